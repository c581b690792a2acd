"""coverage() answers with frozen, typed rows: dates and datetimes, not strings shaped for the CLI."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from lakthan.monitoring.models import HostDay
from lakthan.monitoring.services import coverage as log_coverage
from lakthan.monitoring.services import hosts as log_hosts


def _day(name: str, day: date, n: int) -> None:
    at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
    HostDay.objects.create(host_name=name, day=day, count=n, first_ts=at, last_ts=at)


def test_rows_are_typed_and_frozen(org):
    log_hosts.add_host("web01", "B-IT", ["10.0.0.5"])
    log_hosts.add_host("x01", "X")
    _day("web01", date(2013, 5, 1), 4)
    _day("10.0.0.5", date(2013, 5, 4), 2)  # by address: the same host
    _day("x01", date(2013, 5, 2), 1)
    _day("stranger", date(2013, 5, 3), 9)
    now = datetime(2013, 5, 4, 12, tzinfo=UTC)

    everything = log_coverage.coverage(now=now)
    assert [(u.host, u.count) for u in everything.unknown_senders] == [("stranger", 9)]

    cov = log_coverage.coverage(org.division, now=now)
    (web,) = cov.hosts
    assert cov.window == (date(2013, 5, 1), date(2013, 5, 4))
    assert web.silent_periods == ((date(2013, 5, 2), date(2013, 5, 3)),)
    assert web.per_day == {date(2013, 5, 1): 4, date(2013, 5, 4): 2}
    assert (web.events, web.days_reported, web.days_in_window, web.events_per_day) == (6, 2, 4, 1.5)
    assert web.last_event == datetime(2013, 5, 4, 3, tzinfo=UTC) and web.silent is False
    assert cov.unknown_senders == ()  # a unit's coverage names no stranger
    with pytest.raises(dataclasses.FrozenInstanceError):
        web.events = 0

    may_see_x = log_coverage.coverage(unit_ids={org.other.pk}, now=now)
    assert [h.name for h in may_see_x.hosts] == ["x01"] and may_see_x.window == (date(2013, 5, 2),) * 2
