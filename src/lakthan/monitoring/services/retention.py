"""How long events are kept (at least the legal 90 days), officers' legal holds, and pruning."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.monitoring.models import LegalHold, Retention, Segment
from lakthan.monitoring.pipeline.matches import forget_matches
from lakthan.monitoring.services.home import state_dir, store

MIN_RETENTION_DAYS = 90
MAX_HOLD_DAYS = 2 * 366
LEGAL_REASON_TH = (
    "พระราชบัญญัติว่าด้วยการกระทำความผิดเกี่ยวกับคอมพิวเตอร์ พ.ศ. ๒๕๕๐ มาตรา ๒๖ "
    "กำหนดให้เก็บรักษาข้อมูลจราจรทางคอมพิวเตอร์ไว้ไม่น้อยกว่า ๙๐ วัน"
)
LEGAL_REASON_EN = (
    "the Computer Crime Act B.E. 2550, section 26, requires traffic data to be kept at least 90 days"
)


@transaction.atomic
def set_retention(days: int, host_name: str = "", actor: str = audit.SYSTEM) -> Retention:
    if days < MIN_RETENTION_DAYS:
        raise InvalidInput(
            f"ระยะเวลาเก็บรักษา {days} วันน้อยกว่า {MIN_RETENTION_DAYS} วัน: {LEGAL_REASON_TH}",
            f"retention of {days} days is below {MIN_RETENTION_DAYS}: {LEGAL_REASON_EN}",
        )
    obj, _ = Retention.objects.update_or_create(host_name=host_name, defaults={"days": days})
    audit.record(actor, "logretention.set", obj)
    return obj


def retention_days(host_name: str = "") -> int:
    row = (
        Retention.objects.filter(host_name=host_name).first()
        or Retention.objects.filter(host_name="").first()
    )
    return max(row.days if row else MIN_RETENTION_DAYS, MIN_RETENTION_DAYS)


@transaction.atomic
def add_legal_hold(
    order_ref: str, until: date, host_name: str = "", actor: str = audit.SYSTEM, today: date | None = None
) -> LegalHold:
    today = today or timezone.localdate()
    if not order_ref.strip():
        raise InvalidInput(
            "ต้องระบุเลขที่คำสั่งของพนักงานเจ้าหน้าที่", "a legal hold needs the officer's order reference"
        )
    if until <= today or until > today + timedelta(days=MAX_HOLD_DAYS):
        raise InvalidInput(
            "วันสิ้นสุดการเก็บรักษาต้องอยู่ในอนาคตและไม่เกิน ๒ ปี (มาตรา ๒๖)",
            "a legal hold must end in the future and within 2 years (Computer Crime Act s.26)",
        )
    hold = LegalHold.objects.create(
        order_ref=order_ref.strip(), until=until, host_name=host_name, created_by=actor
    )
    audit.record(actor, "loghold.add", hold)
    return hold


def prune(now: datetime | None = None, actor: str = audit.SYSTEM) -> list[int]:
    """Deletes the payload of segments whose newest event is past retention — the longest retention of
    any host in the segment — and under no legal hold (a hold without a host covers every segment; one
    with a host covers the segments holding that host's events). Leaf hashes and headers stay, so every
    checkpoint still verifies."""
    now = now or timezone.now()
    s = store()
    holds = list(LegalHold.objects.filter(until__gte=now.date()))
    hold_all = any(not h.host_name for h in holds)
    held_hosts = {h.host_name for h in holds if h.host_name}
    per_host = {r.host_name: max(r.days, MIN_RETENTION_DAYS) for r in Retention.objects.exclude(host_name="")}
    default = retention_days()
    pruned = []
    for seg in Segment.objects.filter(pruned_at__isnull=True).order_by("index"):
        age = now - seg.last_ts
        if age < timedelta(days=default) or hold_all:
            continue
        if per_host or held_hosts:
            hosts = set(s.read_segment(seg.index, ["host"])["host"].drop_nulls().unique())
            if hosts & held_hosts:
                continue  # an officer's order covers one of this segment's hosts
            days = max([default] + [per_host[h] for h in hosts if h in per_host])
        else:
            days = default
        if age < timedelta(days=days):
            continue
        reason = f"retention {days} days"
        if s.prune(seg.index, reason, now=now):
            forget_matches(state_dir() / "matches", seg.index)  # derived from the payload
            with transaction.atomic():
                seg.pruned_at, seg.prune_reason = now, reason
                seg.save(update_fields=["pruned_at", "prune_reason"])
                audit.record(actor, "logsegment.prune", seg)
            pruned.append(seg.index)
    return pruned


def oldest_retained() -> datetime | None:
    seg = Segment.objects.filter(pruned_at__isnull=True).order_by("index").first()
    return seg.first_ts if seg else None
