"""Reminders and escalations of review campaigns, through lakthan.core.notifications.

Reminders: LAKTHAN_ACCESS_REVIEW_REMIND_DAYS days before the due date (and up to it) each reviewer with
pending items is told once. Escalation: from the day after the due date, each reviewer's pending items
are announced once to the head of the unit above the reviewer (else the campaign's fallback), who may
decide them until the campaign closes (campaigns.close_overdue).

A person is reached as web/notify.py reaches a user: by e-mail (the login user's address, else the
person's own) unless they turned e-mail off, and at their webhook if they set one. The preference is
read through the user's relation, not imported: the access app sits below the web shell."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lakthan.access.models import ReviewCampaign, ReviewNotice
from lakthan.access.services.campaigns import escalation_reviewer
from lakthan.core import notifications
from lakthan.core.models import Person
from lakthan.lib.thai import format_date_numeric

Kind = ReviewNotice.Kind


def channels_of(person: Person) -> tuple[list[str], str]:
    """(e-mail addresses, webhook URL) a person is reached at."""
    user = person.user
    pref = getattr(user, "notification_preference", None) if user is not None else None
    emails: list[str] = []
    if pref is None or pref.by_email:
        address = (user.email if user is not None else "") or person.email
        if address:
            emails.append(address)
    return emails, (pref.webhook_url if pref is not None else "")


def _message(campaign: ReviewCampaign, kind: str, pending: int, whose: str = "") -> notifications.Message:
    url = f"{settings.LAKTHAN_BASE_URL.rstrip('/')}/access/campaigns/{campaign.pk}/review/"
    due_th = format_date_numeric(campaign.due)
    if kind == Kind.REMIND:
        th = f"มีสิทธิ์การเข้าถึงรอท่านทบทวน {pending} รายการ ใน “{campaign.name}” ครบกำหนดวันที่ {due_th}"
        en = f"{pending} access right(s) await your review in “{campaign.name}”, due {campaign.due:%Y-%m-%d}"
    else:
        th = f"เลยกำหนดทบทวนสิทธิ์ “{campaign.name}” ({due_th}): {whose} ยังไม่ตัดสิน {pending} รายการ ท่านตัดสินแทนได้"
        en = f"Review “{campaign.name}” is overdue ({campaign.due:%Y-%m-%d}): {whose} left {pending} item(s); you may decide them"
    return notifications.bilingual(
        th,
        en,
        url,
        subject_chars=60,
        campaign=campaign.pk,
        kind=kind,
        pending=pending,
    )


def _send(campaign: ReviewCampaign, person: Person, kind: str, pending: int, whose: str = "") -> bool | None:
    """Sends once (a successful notice is never repeated); None when the person has no channel."""
    if ReviewNotice.objects.filter(campaign=campaign, person=person, kind=kind, ok=True).exists():
        return None
    emails, webhook = channels_of(person)
    if not emails and not webhook:
        return None
    delivery = notifications.deliver(
        _message(campaign, kind, pending, whose), emails=emails, webhook_url=webhook
    )
    try:
        with transaction.atomic():
            ReviewNotice.objects.create(
                campaign=campaign,
                person=person,
                kind=kind,
                at=timezone.now(),
                pending=pending,
                ok=delivery.ok,
                detail="; ".join(delivery.errors)[:500],
            )
    except IntegrityError:  # a concurrent run recorded it first
        pass
    return delivery.ok


def _pending_by_reviewer(campaign: ReviewCampaign) -> Counter:
    return Counter(campaign.items.filter(decision="").values_list("reviewer_id", flat=True))


def remind(today: date) -> int:
    """Reminders sent now (reviewers with pending items of campaigns due within the reminder days)."""
    sent = 0
    soon = today + timedelta(days=settings.LAKTHAN_ACCESS_REVIEW_REMIND_DAYS)
    for campaign in ReviewCampaign.objects.filter(state="open", due__gte=today, due__lte=soon):
        for person_id, pending in _pending_by_reviewer(campaign).items():
            sent += bool(_send(campaign, Person.objects.get(pk=person_id), Kind.REMIND, pending))
    return sent


def escalate(today: date) -> int:
    """Escalations sent now (campaigns past their due date with pending items)."""
    sent = 0
    for campaign in ReviewCampaign.objects.filter(state="open", due__lt=today).select_related("fallback"):
        per_target: dict[Person, tuple[int, list[str]]] = {}
        for person_id, pending in _pending_by_reviewer(campaign).items():
            reviewer = Person.objects.select_related("unit").get(pk=person_id)
            target = escalation_reviewer(campaign, reviewer)
            count, names = per_target.get(target, (0, []))
            per_target[target] = (count + pending, [*names, reviewer.display_name])
        for target, (pending, names) in per_target.items():
            sent += bool(_send(campaign, target, Kind.ESCALATE, pending, ", ".join(names)))
    return sent
