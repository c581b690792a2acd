"""Periodic jobs of item 10 (huey, run by `lakthan worker`): one line each, calling a service.

huey reads these crontabs in UTC (settings.HUEY["utc"]); Bangkok is UTC+7 all year."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lakthan.access.services.requests import expire_grants


@db_periodic_task(crontab(minute="15", hour="17"))  # 00:15 Bangkok: grants whose last day was yesterday
def grants_expiry():
    expire_grants(actor="schedule")
