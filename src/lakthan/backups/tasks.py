"""Periodic jobs of item 1 (huey, run by `lakthan worker`): one line each, calling a service.

huey reads these crontabs in UTC (settings.HUEY["utc"]); Bangkok is UTC+7 all year. Everything that
reads a repository or a source system runs outside Bangkok office hours (Monday–Friday 08:00–17:59),
so a backup, a verification or a prune never competes with the agency's working day
(tests/backups/test_schedule.py).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lakthan.backups.services import alerts, for_each_active, runs
from lakthan.backups.services.verify import restore_test, verify


@db_periodic_task(
    crontab(minute="0", hour="11-23,0")
)  # hourly 18:00–07:00 Bangkok: systems not backed up today
def backups_due():
    runs.run_due("schedule")


@db_periodic_task(crontab(minute="30", hour="20"))  # 03:30 Bangkok: the next part of the rotating check
def verify_rotation():
    for_each_active(lambda s: verify(s, trigger="schedule"))


@db_periodic_task(crontab(minute="0", hour="21", day_of_week="0"))  # Monday 04:00 Bangkok
def restore_tests():
    for_each_active(lambda s: restore_test(s, trigger="schedule"))


@db_periodic_task(crontab(minute="0", hour="1"))  # 08:00 Bangkok: windows about to be missed (database only)
def window_alerts():
    alerts.scan_windows()


@db_periodic_task(crontab(minute="0", hour="22", day_of_week="6"))  # Sunday 05:00 Bangkok: forget and prune
def retention():
    for_each_active(runs.apply_retention)
