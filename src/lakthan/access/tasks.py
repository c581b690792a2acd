"""Periodic jobs of item 10 (huey, run by `lakthan worker`): one line each, calling a service.
Crontabs are read in UTC (settings.HUEY["utc"]); Bangkok is UTC+7."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lakthan.access.services import campaigns, review_notices, revocations
from lakthan.access.services.requests import expire_grants


@db_periodic_task(crontab(minute="0", hour="1"))  # 08:00 Bangkok: reviewers whose campaign is due soon
def review_reminders():
    review_notices.remind(timezone.localdate())


@db_periodic_task(crontab(minute="5", hour="1"))  # 08:05 Bangkok: overdue reviews to the unit above
def review_escalations():
    review_notices.escalate(timezone.localdate())


@db_periodic_task(crontab(minute="0", hour="17"))  # 00:00 Bangkok: close campaigns past due and escalation
def review_closing():
    campaigns.close_overdue(timezone.localdate())


@db_periodic_task(crontab(minute="30", hour="17"))  # 00:30 Bangkok: revoked rights whose removal failed
def review_removals_retry():
    revocations.retry_failed()


@db_periodic_task(crontab(minute="15", hour="17"))  # 00:15 Bangkok: grants whose last day was yesterday
def grants_expiry():
    expire_grants(actor="schedule")
