"""Alerts: e-mail through Django's mail settings and a JSON webhook (LINE Notify bridge, chat…).

Configuration (environment): LAKTHAN_BACKUP_ALERT_EMAILS (comma-separated recipients),
LAKTHAN_BACKUP_WEBHOOK_URL (POST {"text": …, "kind": …, "system": …}). One alert per kind and key:
a window at risk is announced once, a failed run once.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from lakthan.backups.models import Alert, BackupSystem

log = logging.getLogger(__name__)


def recipients() -> list[str]:
    raw = getattr(settings, "LAKTHAN_BACKUP_ALERT_EMAILS", None) or os.environ.get(
        "LAKTHAN_BACKUP_ALERT_EMAILS", ""
    )
    if isinstance(raw, list | tuple):
        return list(raw)
    return [a.strip() for a in raw.split(",") if a.strip()]


def webhook_url() -> str:
    return getattr(settings, "LAKTHAN_BACKUP_WEBHOOK_URL", None) or os.environ.get(
        "LAKTHAN_BACKUP_WEBHOOK_URL", ""
    )


def raise_alert(system: BackupSystem, kind: str, key: str, message_th: str, message_en: str) -> Alert | None:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                system=system, kind=kind, key=key, message_th=message_th, message_en=message_en
            )
    except IntegrityError:
        return None  # already announced
    errors = []
    to = recipients()
    if to:
        try:
            send_mail(f"[Lakthan] {system.name}: {kind}", f"{message_th}\n\n{message_en}", None, to)
            alert.emailed = True
        except Exception as exc:  # delivery must not break the backup that raised it
            errors.append(f"mail: {exc}")
    url = webhook_url()
    if url:
        body = json.dumps(
            {"text": message_th, "text_en": message_en, "kind": kind, "system": system.name}
        ).encode()
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as resp:
                alert.webhook_sent = 200 <= resp.status < 300
        except Exception as exc:
            errors.append(f"webhook: {exc}")
    alert.delivery_error = "; ".join(errors)
    alert.save(update_fields=["emailed", "webhook_sent", "delivery_error"])
    if errors:
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
