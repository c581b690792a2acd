"""One delivery service for every notification: real mail (Django's locmem backend) and a real
webhook receiver on loopback. Backup alerts (tests/backups/test_alert_delivery.py) and user digests
(tests/web/test_notify.py) are tested going out through it."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core import mail

import lakthan
from lakthan.core.notifications import Message, deliver

MESSAGE = Message(
    subject="[Lakthan] ทดสอบ",
    body="ข้อความทดสอบ\n\ntest message",
    payload={"text": "ข้อความทดสอบ", "kind": "test"},
)


def test_one_message_goes_by_mail_and_webhook(webhook_receiver, locmem_mail):
    url, received, _ = webhook_receiver
    delivery = deliver(MESSAGE, emails=["it@example.invalid"], webhook_url=url)
    assert (delivery.emailed, delivery.webhook_sent, delivery.errors) == (True, True, [])
    assert [(m.subject, m.to, m.from_email) for m in mail.outbox] == [
        ("[Lakthan] ทดสอบ", ["it@example.invalid"], "lakthan@agency.example")
    ]
    assert received[0]["json"] == {"text": "ข้อความทดสอบ", "kind": "test"}
    assert received[0]["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert received[0]["headers"]["User-Agent"] == f"lakthan/{lakthan.__version__}"


def test_a_failing_webhook_is_reported_and_does_not_stop_the_mail(webhook_receiver, locmem_mail):
    url, received, status = webhook_receiver
    status["code"] = 500
    delivery = deliver(MESSAGE, emails=["it@example.invalid"], webhook_url=url)
    assert delivery.emailed and not delivery.webhook_sent and not delivery.ok
    assert (
        len(delivery.errors) == 1
        and delivery.errors[0].startswith("webhook:")
        and "500" in delivery.errors[0]
    )
    assert len(mail.outbox) == 1


def test_an_unreachable_receiver_is_an_error_not_an_exception(locmem_mail):
    with HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as probe:
        port = probe.server_port  # closed again: nothing listens there
    delivery = deliver(MESSAGE, webhook_url=f"http://127.0.0.1:{port}/hook")
    assert not delivery.webhook_sent and delivery.errors[0].startswith("webhook:")


def test_only_http_webhooks_are_posted(tmp_path, locmem_mail):
    secret = tmp_path / "secret"
    secret.write_text("x")
    delivery = deliver(MESSAGE, webhook_url=secret.as_uri())
    assert not delivery.webhook_sent and "only https://" in delivery.errors[0]


def test_nothing_is_sent_when_no_channel_is_given(locmem_mail):
    assert deliver(MESSAGE) == deliver(MESSAGE, emails=[], webhook_url="")
    assert deliver(MESSAGE).ok and not mail.outbox
