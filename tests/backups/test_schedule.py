"""Heavy periodic jobs never fire in Bangkok office hours, read the way huey's consumer reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from huey.contrib.djhuey import HUEY

import lakthan.backups.tasks
import lakthan.web.tasks
from lakthan.lib.timezones import BANGKOK

HEAVY = {  # each reads whole repositories or source systems
    lakthan.backups.tasks.backups_due,
    lakthan.backups.tasks.verify_rotation,
    lakthan.backups.tasks.restore_tests,
    lakthan.backups.tasks.retention,
}
LIGHT = {lakthan.backups.tasks.window_alerts, lakthan.web.tasks.send_notifications}


def firings_in_a_week() -> dict[type, list[datetime]]:
    """Every minute of a week, asked of huey as its consumer asks it: a naive UTC timestamp."""
    start = datetime(2026, 11, 30, 0, 0)  # a Monday, UTC
    fired: dict[type, list[datetime]] = {}
    for minute in range(7 * 24 * 60):
        ts = start + timedelta(minutes=minute)
        for task in HUEY.read_periodic(ts):
            fired.setdefault(type(task), []).append(ts.replace(tzinfo=UTC).astimezone(BANGKOK))
    return fired


def in_office_hours(moment: datetime) -> bool:
    return moment.weekday() < 5 and 8 <= moment.hour < 18


def test_huey_reads_crontabs_in_utc():
    assert HUEY.utc is True
    assert abs(HUEY._get_timestamp() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=1)


@pytest.fixture(scope="module")
def fired():
    return firings_in_a_week()


@pytest.mark.parametrize(
    "task", sorted(HEAVY, key=lambda t: t.task_class.__name__), ids=lambda t: t.task_class.__name__
)
def test_heavy_jobs_run_each_week_and_never_in_bangkok_office_hours(fired, task):
    times = fired.get(task.task_class, [])
    assert times, f"{task.task_class.__name__} never runs"
    assert [t for t in times if in_office_hours(t)] == []


def test_the_nightly_jobs_land_where_their_comments_say(fired):
    def bangkok(task):
        return sorted({(t.strftime("%a"), t.hour, t.minute) for t in fired[task.task_class]})

    assert bangkok(lakthan.backups.tasks.restore_tests) == [("Mon", 4, 0)]
    assert bangkok(lakthan.backups.tasks.retention) == [("Sun", 5, 0)]
    assert {(h, m) for _, h, m in bangkok(lakthan.backups.tasks.verify_rotation)} == {(3, 30)}
    backups_hours = {h for _, h, _ in bangkok(lakthan.backups.tasks.backups_due)}
    assert backups_hours == {*range(18, 24), *range(0, 8)}


def test_the_morning_digest_and_window_alerts_stay_at_eight(fired):
    for task in LIGHT:
        assert {(t.hour, t.minute) for t in fired[task.task_class]} == {(8, 0)}
