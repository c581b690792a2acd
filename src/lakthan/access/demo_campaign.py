"""The demo's review campaign: whatever accounts the demo directory holds, reviewed in June of the
fiscal year by the unit heads (or the system owners), nearly everything kept, a few rights revoked
with a reason, and the campaign completed — the evidence item 10's check finds for that year.

Revokes are chosen only where the directory may be written (the removal then really happens in it, so
the check sees no revoked right left open): first the groups of leavers' accounts, then those of
dormant accounts, then one privileged group, at most MAX_REVOKES."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from lakthan.access.models import IdentitySource, ReviewCampaign, ReviewItem
from lakthan.access.services import campaigns
from lakthan.access.services.findings import findings
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person, Unit

BANGKOK = ZoneInfo("Asia/Bangkok")
MAX_REVOKES = 4
REASONS = {
    "leaver_active": "พ้นสภาพการเป็นเจ้าหน้าที่แล้ว ไม่มีความจำเป็นต้องใช้สิทธิ์",
    "dormant": "ไม่ได้ใช้งานเกินระยะเวลาที่กำหนด ให้ยื่นคำขอใหม่เมื่อจำเป็น",
    "privileged": "สิทธิ์ผู้ดูแลระบบไม่จำเป็นต่อหน้าที่ในปัจจุบัน",
}


def _bangkok(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BANGKOK)


def _fallback(unit: Unit) -> Person:
    head = campaigns.head_above(unit)
    if head is not None:
        return head
    person = Person.objects.filter(unit_id__in=unit.descendant_ids()).order_by("pk").first()
    if person is None:
        raise InvalidInput(
            f"หน่วยงาน {unit.code} ยังไม่มีบุคคลเป็นผู้ทบทวน", f"unit {unit.code} has nobody to review rights"
        )
    return person


def _revokes(campaign: ReviewCampaign) -> dict[int, str]:
    """item id → reason, for the few rights the demo revokes."""
    kinds: dict[int, set[str]] = {}
    for f in findings(timezone.localdate(), campaign.unit):
        kinds.setdefault(f.account_id, set()).add(f.kind)
    writable = campaign.items.filter(
        account__source__may_write=True, account__source__kind=IdentitySource.Kind.LDAP
    ).select_related("group")
    chosen: dict[int, str] = {}
    for kind in ("leaver_active", "dormant"):
        for item in writable:
            if len(chosen) < MAX_REVOKES and kind in kinds.get(item.account_id, ()) and item.pk not in chosen:
                chosen[item.pk] = REASONS[kind]
    privileged = writable.filter(campaigns.privileged_filter()).exclude(pk__in=chosen).first()
    if privileged is not None and len(chosen) < MAX_REVOKES:
        chosen[privileged.pk] = REASONS["privileged"]
    return chosen


def complete_demo_campaign(unit: Unit, fiscal_year: int) -> ReviewCampaign:
    """Starts a campaign over the unit's rights on 15 June of the fiscal year (B.E.), due 30 June, and
    has every reviewer decide between 16 and 26 June; returns it completed."""
    june = fiscal_year - 543
    started = _bangkok(date(june, 6, 15), 9)
    campaign = campaigns.start(
        unit,
        date(june, 6, 30),
        fallback=_fallback(unit),
        name=f"ทบทวนสิทธิ์การเข้าถึงระบบสารสนเทศ ประจำปีงบประมาณ {fiscal_year}",
        actor="demo",
        at=started,
    )
    revokes = _revokes(campaign)
    reviewers = list(Person.objects.filter(pk__in=campaign.items.values("reviewer")).order_by("pk"))
    for n, reviewer in enumerate(reviewers):
        at = started + timedelta(days=1 + n % 10, hours=n % 6)
        mine = list(campaign.items.filter(reviewer=reviewer, decision=ReviewItem.Decision.PENDING))
        for item in mine:
            if item.pk in revokes:
                campaigns.decide(
                    campaign,
                    [item.pk],
                    campaigns.REVOKE,
                    by=reviewer,
                    comment=revokes[item.pk],
                    actor="demo",
                    at=at,
                )
        keep = [i.pk for i in mine if i.pk not in revokes]
        if keep:
            campaigns.decide(
                campaign, keep, campaigns.KEEP, by=reviewer, actor="demo", at=at + timedelta(minutes=12)
            )
    campaign.refresh_from_db()
    return campaign
