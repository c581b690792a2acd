"""Notifications by email and webhook, per user preference, each event once per channel."""

from __future__ import annotations

import json
import re
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from lakthan.checks.models import CheckRun
from lakthan.evidence.models import Evidence
from lakthan.web.models import NotificationPreference, NotificationSent
from lakthan.web.notify import send_all


@pytest.fixture
def hook(settings):
    settings.LAKTHAN_WEBHOOK_TRUSTED_NETWORKS = ["127.0.0.0/8"]
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def test_expiring_evidence_and_failing_control_reach_email_and_webhook_once(world, hook, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url, received = hook
    today = timezone.localdate()
    Evidence.objects.filter(pk=world.evidence["A-1"].pk).update(expiry_date=today + timedelta(days=5))
    Evidence.objects.filter(pk=world.evidence["B"].pk).update(expiry_date=today + timedelta(days=5))
    now = timezone.now()
    CheckRun.objects.create(
        check_urn="urn:lakthan:check:backup-compliance",
        unit=world.a,
        report=world.reports["A"],
        period_start=date(2012, 10, 1),
        period_end=date(2013, 9, 30),
        status="not_met",
        summary_th="สำรองข้อมูลไม่ครบ",
        summary_en="backups missed",
        started_at=now,
        finished_at=now,
    )
    auditor = world.users["auditor"]
    NotificationPreference.objects.create(user=auditor, webhook_url=url, round_closing=False)
    # everyone else: no email address, so nothing for them
    type(auditor).objects.exclude(pk=auditor.pk).update(email="")

    counts = send_all(today=today)
    assert counts == {"email": 1, "webhook": 1, "failed": 0, "events": 4}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["auditor@example.invalid"]
    body = mail.outbox[0].body
    assert "คำสั่ง A-1" in body and "backups missed" in body
    assert "คำสั่ง B" not in body  # B is not the auditor's unit
    assert len(received) == 1 and "คำสั่ง A-1" in received[0]["text"]
    assert {e["kind"] for e in received[0]["events"]} == {"evidence_expiring", "failing_control"}

    assert send_all(today=today)["events"] == 0  # each event once
    assert len(mail.outbox) == 1 and len(received) == 1
    assert NotificationSent.objects.filter(user=auditor).count() == 4


def test_preferences_turn_kinds_off_and_round_closing_is_announced(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = world.users["collector"]
    type(user).objects.exclude(pk=user.pk).update(email="")
    NotificationPreference.objects.create(
        user=user, evidence_expiring=False, failing_control=False, round_days=20
    )
    Evidence.objects.filter(unit=world.a).update(expiry_date=date(2013, 9, 20))
    counts = send_all(today=date(2013, 9, 15))  # 15 days before the 12-month round of FY 2556 closes
    assert counts["events"] == 2  # A and A-1, none of their reports signed
    body = mail.outbox[0].body
    assert "30/09/2556" in body and "expires" not in body and "failed" not in body


def test_account_page_saves_preferences_and_issues_a_token(client, world):
    client.force_login(world.users["collector"])
    r = client.post(
        "/account/",
        {"by_email": "on", "webhook_url": "http://evil.example/", "expiry_days": 30, "round_days": 14},
    )
    assert r.status_code == 200 and "https://" in r.content.decode()
    r = client.post(
        "/account/",
        {
            "webhook_url": "https://chat.example/hook",
            "expiry_days": 10,
            "round_days": 7,
            "failing_control": "on",
        },
    )
    assert r.status_code == 302
    pref = NotificationPreference.objects.get(user=world.users["collector"])
    assert (pref.by_email, pref.webhook_url, pref.expiry_days, pref.evidence_expiring) == (
        False,
        "https://chat.example/hook",
        10,
        False,
    )
    html = client.post("/account/", {"action": "token_create", "name": "script", "scope": "read", "days": 90})
    key = re.search(r'data-testid="token">([^<]+)<', html.content.decode()).group(1)
    from lakthan.core import tokens

    assert tokens.check(key).user == world.users["collector"]


def test_digests_go_out_through_the_notification_service(world, webhook_receiver, settings):
    """The same delivery as backup alerts: its User-Agent, and a receiver's refusal recorded, not raised."""
    import lakthan

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url, received, status = webhook_receiver
    today = timezone.localdate()
    Evidence.objects.filter(pk=world.evidence["A-1"].pk).update(expiry_date=today + timedelta(days=5))
    auditor = world.users["auditor"]
    type(auditor).objects.update(email="")
    NotificationPreference.objects.create(
        user=auditor, by_email=False, webhook_url=url, round_closing=False, failing_control=False
    )

    status["code"] = 500
    assert send_all(today=today) == {"email": 0, "webhook": 0, "failed": 1, "events": 1}
    failure = NotificationSent.objects.get(user=auditor, ok=False)
    assert failure.channel == "webhook" and failure.detail.startswith("webhook:") and "500" in failure.detail

    status["code"] = 200
    assert send_all(today=today) == {"email": 0, "webhook": 1, "failed": 0, "events": 1}
    assert received[-1]["headers"]["User-Agent"] == f"lakthan/{lakthan.__version__}"
    assert "คำสั่ง A-1" in received[-1]["json"]["text"]
