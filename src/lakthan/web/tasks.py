"""Periodic jobs of the web application (huey, crontabs in UTC): one line each, calling a service."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lakthan.access.services.logins import last_scan, record_logins
from lakthan.monitoring.services.logins import successful_logins
from lakthan.web import notify


@db_periodic_task(
    crontab(minute="0", hour="1")
)  # 08:00 Bangkok: the morning digest (light: database reads and a few messages)
def send_notifications():
    notify.send_all()


@db_periodic_task(crontab(minute="20"))  # hourly: the logins of the segments sealed since the last reading
def access_logins_from_logs():
    previous, read_at = last_scan(), timezone.now()
    since = previous.at if previous else None
    record_logins(successful_logins(sealed_since=since), sealed_since=since, read_at=read_at)
