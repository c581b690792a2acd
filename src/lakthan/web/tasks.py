"""Periodic jobs of the web application (huey, crontabs in UTC): one line each, calling a service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lakthan.web import notify


@db_periodic_task(
    crontab(minute="0", hour="1")
)  # 08:00 Bangkok: the morning digest (light: database reads and a few messages)
def send_notifications():
    notify.send_all()
