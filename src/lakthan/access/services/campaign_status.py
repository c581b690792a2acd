"""Where a review campaign stands: counts per decision and per reviewer, and who is overdue."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Q

from lakthan.access.models import ReviewCampaign, ReviewItem

DECISIONS = ("pending", "keep", "revoke", "no_answer")


def campaign_rows(qs=None) -> list[dict]:
    qs = (
        (qs if qs is not None else ReviewCampaign.objects.all())
        .select_related("unit")
        .annotate(n_items=Count("items"), n_decided=Count("items", filter=~Q(items__decision="")))
    )
    return [
        {
            "id": c.pk,
            "name": c.name,
            "unit": c.unit.code,
            "state": c.state,
            "due": c.due.isoformat(),
            "items": c.n_items,
            "decided": c.n_decided,
            "campaign": c,
        }
        for c in qs
    ]


def status(campaign: ReviewCampaign, today: date) -> dict:
    items = list(campaign.items.select_related("reviewer"))
    decisions = Counter(i.decision or "pending" for i in items)
    per: dict[int, dict] = {}
    for i in items:
        row = per.setdefault(
            i.reviewer_id,
            {
                "person_id": i.reviewer_id,
                "name": i.reviewer.display_name,
                "roles": [],
                **{d: 0 for d in DECISIONS},
                "total": 0,
            },
        )
        row[i.decision or "pending"] += 1
        row["total"] += 1
        if i.reviewer_role not in row["roles"]:
            row["roles"].append(i.reviewer_role)
    overdue = campaign.is_open and today > campaign.due
    reviewers = sorted(per.values(), key=lambda r: (-r["pending"], r["name"]))
    for r in reviewers:
        r["overdue"] = overdue and r["pending"] > 0
        r["decided"] = r["total"] - r["pending"]
    removals = Counter(i.removal for i in items if i.outcome == ReviewItem.Decision.REVOKE)
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "unit": campaign.unit.code,
        "system": campaign.system.code if campaign.system is not None else None,
        "privileged_only": campaign.privileged_only,
        "state": campaign.state,
        "due": campaign.due.isoformat(),
        "no_answer": campaign.no_answer,
        "started_at": campaign.started_at.isoformat(),
        "started_by": campaign.started_by,
        "finished_at": campaign.finished_at.isoformat() if campaign.finished_at else None,
        "items": len(items),
        "decisions": {d: decisions.get(d, 0) for d in DECISIONS},
        "flagged": sum(i.flagged for i in items),
        "removals": {k or "pending": v for k, v in sorted(removals.items())},
        "overdue": overdue and decisions.get("pending", 0) > 0,
        "reviewers": reviewers,
    }
