"""Backup alerts go out through lakthan.core.notifications: its mail, its webhook, its errors."""

from __future__ import annotations

from django.core import mail

import lakthan


def test_backup_alerts_are_delivered_through_the_service(org, webhook_receiver, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from lakthan.backups.services.alerts import raise_alert
    from lakthan.backups.services.systems import add_system

    url, received, status = webhook_receiver
    settings.LAKTHAN_BACKUP_ALERT_EMAILS = ["backup-team@example.invalid"]
    settings.LAKTHAN_BACKUP_WEBHOOK_URL = url
    system = add_system("files", unit=org.division, paths=[str(tmp_path)], klass="intranet", init_repo=False)

    alert = raise_alert(system, "run_failed", "run:1", "สำรองข้อมูลไม่สำเร็จ", "backup failed")
    assert alert.emailed and alert.webhook_sent and alert.delivery_error == ""
    assert mail.outbox[0].to == ["backup-team@example.invalid"]
    assert mail.outbox[0].subject == "[Lakthan] files: run_failed"
    assert received[0]["headers"]["User-Agent"] == f"lakthan/{lakthan.__version__}"
    assert received[0]["json"] == {
        "text": "สำรองข้อมูลไม่สำเร็จ",
        "text_en": "backup failed",
        "kind": "run_failed",
        "system": "files",
    }

    status["code"] = 503
    failed = raise_alert(system, "run_failed", "run:2", "ไม่สำเร็จ", "failed")
    assert failed.emailed and not failed.webhook_sent and failed.delivery_error.startswith("webhook:")
