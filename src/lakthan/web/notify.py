"""Notifications: evidence about to expire, a failing control, a round closing — by email and/or a
webhook, as each user chose, delivered through lakthan.core.notifications. Each event goes to each user once per channel (NotificationSent).

Run it daily: ``lakthan notify`` (cron or a systemd timer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from lakthan.core import notifications, roles
from lakthan.indicators.engines.periods import round_bounds
from lakthan.lib.thai import format_date_numeric
from lakthan.web.models import NotificationPreference, NotificationSent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    key: str
    kind: str  # evidence_expiring | failing_control | round_closing
    text_th: str
    text_en: str
    url: str


def _in_scope(user, unit_id: int) -> bool:
    return roles.can(user, roles.VIEW, unit_id)


def events_for(user, pref: NotificationPreference, today: date) -> list[Event]:
    from lakthan.checks.models import CheckRun
    from lakthan.evidence.models import Evidence
    from lakthan.indicators.models import Agreement, IndicatorReport

    base = settings.LAKTHAN_BASE_URL.rstrip("/")
    found: list[Event] = []
    if pref.evidence_expiring:
        soon = Evidence.objects.filter(
            roles.unit_filter(user, "unit"),
            expiry_date__gte=today,
            expiry_date__lte=today + timedelta(days=pref.expiry_days),
        ).select_related("unit")
        for e in soon:
            found.append(
                Event(
                    f"expiring:{e.pk}:{e.expiry_date}",
                    "evidence_expiring",
                    f"หลักฐาน “{e.title}” ({e.unit.code}) จะหมดอายุวันที่ {format_date_numeric(e.expiry_date)}",
                    f"Evidence “{e.title}” ({e.unit.code}) expires on {e.expiry_date:%Y-%m-%d}",
                    f"{base}/evidence/{e.pk}/",
                )
            )
    if pref.failing_control:
        recent = (
            CheckRun.objects.filter(
                roles.unit_filter(user, "unit"), finished_at__gte=timezone.now() - timedelta(days=7)
            )
            .select_related("unit")
            .order_by("started_at", "pk")
        )
        latest: dict[tuple, object] = {}
        for run in recent:
            latest[(run.check_urn, run.unit_id, run.report_id)] = run
        for run in latest.values():
            if run.status in ("not_met", "error"):
                found.append(
                    Event(
                        f"check:{run.pk}",
                        "failing_control",
                        f"การควบคุม {run.check_urn.rsplit(':', 1)[-1]} ของ {run.unit.code} ไม่ผ่าน: {run.summary_th}",
                        f"Control {run.check_urn.rsplit(':', 1)[-1]} of {run.unit.code} failed: {run.summary_en}",
                        f"{base}/",
                    )
                )
    if pref.round_closing:
        for agreement in Agreement.objects.filter(roles.unit_filter(user, "unit")).select_related("unit"):
            for months in (6, 9, 12):
                _, end = round_bounds(agreement.fiscal_year, months)
                if not (today <= end <= today + timedelta(days=pref.round_days)):
                    continue
                unsigned = IndicatorReport.objects.filter(
                    round__agreement=agreement, round__months=months, signed_at__isnull=True
                ).count()
                lines = agreement.lines.count()
                signed = IndicatorReport.objects.filter(
                    round__agreement=agreement, round__months=months, signed_at__isnull=False
                ).count()
                if signed >= lines and not unsigned:
                    continue
                found.append(
                    Event(
                        f"round:{agreement.pk}:{months}",
                        "round_closing",
                        f"รอบ {months} เดือน ปีงบประมาณ {agreement.fiscal_year} ของ {agreement.unit.code} ปิดวันที่ {format_date_numeric(end)} "
                        f"ลงนามแล้ว {signed}/{lines} ตัวชี้วัด",
                        f"The {months}-month round of FY {agreement.fiscal_year} for {agreement.unit.code} closes on {end:%Y-%m-%d}; "
                        f"{signed}/{lines} indicators signed",
                        f"{base}/units/{agreement.unit.code}/fy/{agreement.fiscal_year}/round/{months}/",
                    )
                )
    return found


def send_all(today: date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Sends each user the events they have not been told about yet; returns counts per channel."""
    today = today or timezone.localdate()
    counts = {"email": 0, "webhook": 0, "failed": 0, "events": 0}
    prefs = {p.user_id: p for p in NotificationPreference.objects.all()}
    for user in get_user_model().objects.filter(is_active=True).order_by("pk"):
        pref = prefs.get(user.pk) or NotificationPreference(user=user)
        channels = []
        if pref.by_email and user.email:
            channels.append("email")
        if pref.webhook_url:
            channels.append("webhook")
        if not channels:
            continue
        events = events_for(user, pref, today)
        for channel in channels:
            sent = set(
                NotificationSent.objects.filter(user=user, channel=channel).values_list("key", flat=True)
            )
            new = [e for e in events if e.key not in sent]
            if not new:
                continue
            counts["events"] += len(new)
            if dry_run:
                continue
            message = notifications.Message(
                subject=f"Lakthan: {len(new)} เรื่องที่ต้องติดตาม / to follow up",
                body="\n\n".join(f"{e.text_th}\n{e.text_en}\n{e.url}" for e in new),
                payload={
                    "text": "\n".join(f"• {e.text_th} {e.url}" for e in new),
                    "events": [e.__dict__ for e in new],
                },
            )
            if channel == "email":
                delivery = notifications.deliver(message, emails=[user.email])
            else:
                delivery = notifications.deliver(message, webhook_url=pref.webhook_url)
            if delivery.ok:
                counts[channel] += 1
                NotificationSent.objects.bulk_create(
                    [NotificationSent(user=user, key=e.key, channel=channel, ok=True) for e in new],
                    ignore_conflicts=True,
                )
            else:
                detail = "; ".join(delivery.errors)[:500]
                counts["failed"] += 1
                log.warning("notification to %s by %s failed: %s", user, channel, detail)
                NotificationSent.objects.create(
                    user=user,
                    key=f"failure:{timezone.now().isoformat()}",
                    channel=channel,
                    ok=False,
                    detail=detail,
                )
    return counts
