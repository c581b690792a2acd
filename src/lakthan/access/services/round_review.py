"""What item 10's check judges for a unit's round (checks.py turns it into a result and artefacts).

The day judged is the round's last day, or today while the round runs. A "right" is an open membership
of an enabled account of the unit's systems (and below) as last synced; one first seen after the round
ended is left out, unless it was seen by the source's first sync (it existed before Lakthan looked).

- Leavers: each enabled account of a leaver on the day judged (days since the HR effective date), and
  each leaver's account disabled in the round, by ``lakthan access remediate`` or by hand (seen by a
  sync; one already disabled at the source's first sync is left out: when is unknown), with the days
  it took. More than LAKTHAN_ACCESS_LEAVER_DAYS is late.
- Rights: kept by a reviewer ("keep", not a no-answer) in a campaign of the round, or (once access
  requests land) approved: ``rights_with_approval``.
- Campaigns of the round: finished (completed, or closed at due) on a day of the round, covering the
  unit (started for it, a unit below it or above it).
- Dormant accounts on the day judged: handled when a reviewer decided a right of the account in a
  campaign of the round (kept or revoked: someone looked)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from lakthan.access.engines.findings import Finding
from lakthan.access.engines.roster import LEAVER_STATUSES
from lakthan.access.models import Account, Employee, Remediation, ReviewCampaign, ReviewItem, SyncRun
from lakthan.access.services.campaigns import bangkok_day, rights_in_scope
from lakthan.access.services.findings import findings
from lakthan.access.services.requests import approved_rights
from lakthan.checks.registry import Period
from lakthan.core.models import Unit
from lakthan.lib.timezones import end_of_day


@dataclass
class RoundFacts:
    judged_on: date
    leaver_days_limit: int
    accounts: int
    leavers_enabled: list[tuple[str, int]]  # (account, days since leaving) on the day judged
    leaver_disables: list[tuple[str, int]]  # (account, days from leaving to disabled) in the round
    rights: list[tuple[int, str, str]]  # (membership id, account, group)
    rights_approved: set[int]
    campaigns: list[ReviewCampaign]
    dormant: list[str]
    dormant_unhandled: list[str]
    found: list[Finding] = field(default_factory=list)

    @property
    def leavers_past_limit(self) -> list[tuple[str, int]]:
        return [(a, d) for a, d in self.leavers_enabled if d > self.leaver_days_limit]

    @property
    def late_disables(self) -> list[tuple[str, int]]:
        return [(a, d) for a, d in self.leaver_disables if d > self.leaver_days_limit]

    @property
    def rights_without_approval(self) -> list[tuple[int, str, str]]:
        return [r for r in self.rights if r[0] not in self.rights_approved]


def judged_day(period: Period) -> date:
    return min(period.end, timezone.localdate())


def _unit_ids(unit: Unit) -> set[int]:
    return unit.descendant_ids()


def round_campaigns(period: Period, unit: Unit) -> list[ReviewCampaign]:
    covering = _unit_ids(unit) | {u.pk for u in unit.ancestors()}
    return [
        c
        for c in ReviewCampaign.objects.filter(
            unit_id__in=covering, state__in=[ReviewCampaign.State.COMPLETED, ReviewCampaign.State.CLOSED]
        ).order_by("finished_at", "pk")
        if c.finished_at is not None and period.start <= bangkok_day(c.finished_at) <= period.end
    ]


def _round_items(period: Period, unit: Unit):
    return ReviewItem.objects.filter(
        campaign__in=round_campaigns(period, unit), account__source__system__unit_id__in=_unit_ids(unit)
    )


def rights_with_approval(period: Period, unit: Unit) -> set[int]:
    """The rights (membership ids) of the unit's systems with an approval behind them in the round:
    those a reviewer kept in a campaign of the round, and those an approved access request grants on
    the round's last day."""
    kept = _round_items(period, unit).filter(decision=ReviewItem.Decision.KEEP)
    approved = approved_rights(period.end)
    in_scope = rights_in_scope(unit).values_list("pk", "account_id", "group_id") if approved else []
    granted = {pk for pk, account_id, group_id in in_scope if (account_id, group_id) in approved}
    return set(kept.values_list("membership_id", flat=True)) | granted


def _first_syncs() -> dict[int, datetime]:
    """Each source's first successful sync: what it showed then was there before Lakthan looked."""
    return dict(
        SyncRun.objects.filter(status=SyncRun.Status.OK)
        .values_list("source_id")
        .annotate(first=Min("finished_at"))
        .values_list("source_id", "first")
    )


def judged_rights(period: Period, unit: Unit) -> list[tuple[int, str, str]]:
    after = end_of_day(period.end)
    first_sync = _first_syncs()
    out = []
    for m in rights_in_scope(unit):
        seen_first = first_sync.get(m.account.source_id)
        if m.since >= after and (seen_first is None or m.since > seen_first):
            continue  # granted after the round
        out.append((m.pk, f"{m.account.source.name}:{m.account.username}", m.group.name))
    return out


def _leaver_disables(period: Period, unit: Unit) -> list[tuple[str, int]]:
    end = end_of_day(period.end)
    in_round = Q(account__source__system__unit_id__in=_unit_ids(unit))
    found: dict[int, tuple[str, int]] = {}
    for r in Remediation.objects.filter(in_round, outcome=Remediation.Outcome.DISABLED).select_related(
        "account__source"
    ):
        if period.start <= bangkok_day(r.at) <= period.end and r.days is not None:
            found[r.account_id] = (f"{r.account.source.name}:{r.account.username}", r.days)
    leavers = {
        e.employee_id: e
        for e in Employee.objects.filter(status__in=LEAVER_STATUSES)
        if e.effective_date <= period.end
    }
    by_hand = Account.objects.filter(
        source__system__unit_id__in=_unit_ids(unit), disabled=True, disabled_seen_at__lt=end, is_service=False
    ).select_related("source", "linked_employee")
    first_sync = _first_syncs()
    for a in by_hand:
        if a.pk in found or a.disabled_seen_at is None or bangkok_day(a.disabled_seen_at) < period.start:
            continue
        if a.source_id in first_sync and a.disabled_seen_at <= first_sync[a.source_id]:
            continue  # already disabled when Lakthan first looked: when is unknown
        employee = a.linked_employee or leavers.get(a.employee_id)
        if employee is None or employee.status not in LEAVER_STATUSES:
            continue
        days = (bangkok_day(a.disabled_seen_at) - employee.effective_date).days
        if days >= 0:
            found[a.pk] = (f"{a.source.name}:{a.username}", days)
    return sorted(found.values())


def round_facts(period: Period, unit: Unit) -> RoundFacts:
    day = judged_day(period)
    found = findings(day, unit)
    reviewed_accounts = set(
        _round_items(period, unit)
        .filter(decision__in=[ReviewItem.Decision.KEEP, ReviewItem.Decision.REVOKE])
        .values_list("account_id", flat=True)
    )
    dormant = [f for f in found if f.kind == "dormant"]
    return RoundFacts(
        judged_on=day,
        leaver_days_limit=settings.LAKTHAN_ACCESS_LEAVER_DAYS,
        accounts=Account.objects.filter(
            gone_at__isnull=True, disabled=False, source__system__unit_id__in=_unit_ids(unit)
        ).count(),
        leavers_enabled=sorted((f.account, f.detail["days"]) for f in found if f.kind == "leaver_active"),
        leaver_disables=_leaver_disables(period, unit),
        rights=judged_rights(period, unit),
        rights_approved=rights_with_approval(period, unit),
        campaigns=round_campaigns(period, unit),
        dormant=sorted(f.account for f in dormant),
        dormant_unhandled=sorted(f.account for f in dormant if f.account_id not in reviewed_accounts),
        found=found,
    )
