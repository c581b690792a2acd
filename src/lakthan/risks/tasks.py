"""Periodic jobs of item 3 (huey, run by `lakthan worker`): one line each, calling a service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lakthan.risks.services import drills


@db_periodic_task(
    crontab(minute="30", hour="22", day_of_week="0")
)  # Monday 05:30 Bangkok, after the restore tests
def restore_tests_as_drills():
    drills.drills_from_restore_tests()
