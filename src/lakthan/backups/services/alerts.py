"""Backup alerts, delivered through lakthan.core.notifications.

Settings: LAKTHAN_BACKUP_ALERT_EMAILS (recipients), LAKTHAN_BACKUP_WEBHOOK_URL (POST {"text": …,
"kind": …, "system": …}). One alert per kind and key: a window at risk is announced once, a failed
run once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lakthan.backups.models import Alert, BackupSystem
from lakthan.core import notifications

log = logging.getLogger(__name__)


def raise_alert(system: BackupSystem, kind: str, key: str, message_th: str, message_en: str) -> Alert | None:
    """Records the alert and sends it to LAKTHAN_BACKUP_ALERT_EMAILS and LAKTHAN_BACKUP_WEBHOOK_URL;
    None when this kind and key was announced before."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                system=system, kind=kind, key=key, message_th=message_th, message_en=message_en
            )
    except IntegrityError:
        return None  # already announced
    delivery = notifications.deliver(
        notifications.Message(
            subject=f"[Lakthan] {system.name}: {kind}",
            body=f"{message_th}\n\n{message_en}",
            payload={"text": message_th, "text_en": message_en, "kind": kind, "system": system.name},
        ),
        emails=settings.LAKTHAN_BACKUP_ALERT_EMAILS,
        webhook_url=settings.LAKTHAN_BACKUP_WEBHOOK_URL,
    )
    alert.emailed, alert.webhook_sent = delivery.emailed, delivery.webhook_sent
    alert.delivery_error = "; ".join(delivery.errors)
    alert.save(update_fields=["emailed", "webhook_sent", "delivery_error"])
    if delivery.errors:
        log.warning("alert %s for %s not fully delivered: %s", kind, system.name, alert.delivery_error)
    return alert


def scan_windows(today=None) -> list[Alert]:
    """Alerts for every running window about to be missed (reads what exists, needs no scheduler)."""
    from lakthan.backups.engines import compliance as engine
    from lakthan.backups.services.systems import policy_of

    today = today or timezone.localdate()
    raised = []
    for system in BackupSystem.objects.filter(active=True):
        days = [engine.bangkok_day(t) for t in system.snapshots.values_list("time", flat=True)]
        window = engine.at_risk(policy_of(system), days, today)
        if window is None:
            continue
        alert = raise_alert(
            system,
            "window_at_risk",
            f"{window.start.isoformat()}",
            f"ระบบ {system.name} สำรองข้อมูลแล้ว {window.actual} จาก {window.required} ครั้งในช่วง "
            f"{window.start.isoformat()} – {window.end.isoformat()} ซึ่งกำลังจะสิ้นสุด",
            f"{system.name} has {window.actual} of {window.required} backups in the window "
            f"{window.start.isoformat()} – {window.end.isoformat()}, which is about to end",
        )
        if alert:
            raised.append(alert)
    return raised
