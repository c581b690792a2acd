"""Periodic jobs for item 2 (huey; run by `manage.py run_huey` once HUEY is configured in settings)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lakthan.monitoring import services


@db_periodic_task(crontab(minute="*/5"))
def seal_logs():
    services.seal()  # a segment and a signed checkpoint every 5 minutes when events came in


@db_periodic_task(crontab(minute="7", hour="*"))
def detect_intrusions():
    services.detect()


@db_periodic_task(crontab(minute="30", hour="2"))
def verify_logs():
    services.verify()


@db_periodic_task(crontab(minute="45", hour="3"))
def prune_logs():
    services.prune()
