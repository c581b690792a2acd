"""The heavy periodic jobs run in the Bangkok small hours, never in office hours, on huey's own clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from huey.contrib.djhuey import HUEY

from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring import tasks

VERIFY, PRUNE = tasks.verify_logs.task_class, tasks.prune_logs.task_class


def _fired(start_utc: datetime, days: int) -> list[tuple[str, datetime]]:
    """(task, Bangkok time) for every minute at which huey's scheduler would enqueue a heavy job."""
    out = []
    for minute in range(days * 24 * 60):
        at = start_utc + timedelta(minutes=minute)
        clock = at.replace(tzinfo=None) if HUEY.utc else at.astimezone().replace(tzinfo=None)
        for task in HUEY.read_periodic(clock):
            if isinstance(task, (VERIFY, PRUNE)):
                out.append((type(task).__name__, at.astimezone(BANGKOK)))
    return out


def test_verification_and_prune_never_run_in_bangkok_office_hours():
    fired = _fired(datetime(2026, 12, 7, tzinfo=UTC), days=7)  # a Monday to a Sunday
    for _name, local in fired:
        assert not (local.weekday() < 5 and 8 <= local.hour < 17), local
    assert sorted({(n, t.hour, t.minute) for n, t in fired}) == sorted(
        [("verify_logs", 2, 30), ("prune_logs", 3, 45)]
    )
    assert len(fired) == 14  # each once a day


def test_a_plain_crontab_would_have_fired_at_nine_in_bangkok():
    from huey import crontab

    plain = crontab(minute="30", hour="2")
    nine_in_bangkok = datetime(2026, 12, 7, 2, 30)  # huey's naive UTC clock
    assert plain(nine_in_bangkok) and not tasks.bangkok(minute="30", hour="2")(nine_in_bangkok)
