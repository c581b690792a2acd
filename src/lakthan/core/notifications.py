"""The one way out for every notification: e-mail through Django's mail settings (LAKTHAN_SMTP_*,
LAKTHAN_MAIL_FROM) and webhooks by a JSON POST (LINE through a relay, Slack/Mattermost/Teams-style
incoming webhooks, any chat that takes JSON). Backup alerts and the users' digests both send here.

A channel that fails is reported in the result, never raised: a bad address must not stop the other
channel, nor undo the backup or the check that gave rise to the message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail

import lakthan
from lakthan.lib import outbound

USER_AGENT = f"lakthan/{lakthan.__version__}"
WEBHOOK_TIMEOUT = 10  # seconds


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # the e-mail's plain text
    payload: dict  # the JSON object a webhook receives


def bilingual(th: str, en: str, url: str, subject_chars: int = 70, **payload) -> Message:
    """A notice in Thai then English with the link to act on it: the subject carries both (cut to
    ``subject_chars`` each), the body a line each, the webhook the Thai line and ``payload``."""
    return Message(
        subject=f"Lakthan: {th[:subject_chars]} / {en[:subject_chars]}",
        body=f"{th}\n{en}\n{url}",
        payload={"text": f"• {th} {url}", **payload, "url": url},
    )


@dataclass
class Delivery:
    emailed: bool = False
    webhook_sent: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def deliver(message: Message, *, emails: Sequence[str] = (), webhook_url: str = "") -> Delivery:
    """Sends ``message`` by e-mail to ``emails`` and to ``webhook_url``, each only when given."""
    delivery = Delivery()
    if emails:
        try:
            send_mail(message.subject, message.body, None, list(emails))
            delivery.emailed = True
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors; a bad header a ValueError
            delivery.errors.append(f"mail: {exc}")
    if webhook_url:
        try:
            post_webhook(webhook_url, message.payload)
            delivery.webhook_sent = True
        except (OSError, ValueError) as exc:  # urllib's errors are OSErrors
            delivery.errors.append(f"webhook: {exc}")
    return delivery


def post_webhook(url: str, payload: dict) -> None:
    """POSTs ``payload`` as UTF-8 JSON; ValueError when the URL may not be called (lib/outbound: https,
    a public address or one of LAKTHAN_WEBHOOK_TRUSTED_NETWORKS, judged again now), OSError unless the
    receiver answers 2xx."""
    outbound.post(
        url,
        json.dumps(payload, ensure_ascii=False).encode(),
        {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
        trusted_networks(),
        WEBHOOK_TIMEOUT,
    )


def trusted_networks() -> tuple[outbound.Network, ...]:
    return outbound.networks(settings.LAKTHAN_WEBHOOK_TRUSTED_NETWORKS)
