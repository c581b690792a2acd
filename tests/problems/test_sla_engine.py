"""Business-hours arithmetic on the shipped Thai government calendar (08:30–16:30, Monday–Friday,
public holidays): across a weekend, Songkran 2556 and its substitution day, after office hours and
exactly at closing time. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from lakthan.lib.timezones import BANGKOK
from lakthan.problems.engines.sla import (
    Calendar,
    add_business_seconds,
    business_seconds_between,
    due_at,
    used_seconds,
)
from lakthan.problems.engines.work_calendar import load_shipped

HOUR = 3600


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


@pytest.fixture(scope="module")
def thai():
    return load_shipped().calendar


def test_songkran_2556_and_its_substitution_day_are_holidays_in_the_shipped_calendar(thai):
    # 13 Apr 2013 is a Saturday, 14 a Sunday: Monday 15 is Songkran, Tuesday 16 its substitution day
    assert {date(2013, 4, d) for d in (13, 14, 15, 16)} <= thai.holidays
    assert thai.is_workday(date(2013, 4, 12)) and thai.is_workday(date(2013, 4, 17))
    assert not thai.is_workday(date(2013, 4, 16))


def test_reported_friday_afternoon_before_songkran_is_due_on_wednesday_after_it(thai):
    # Fri 12 Apr 15:00 → 1.5 h that day; Sat–Tue off (weekend, Songkran, substitution day); 2.5 h Wed
    due = due_at(bkk("2013-04-12T15:00"), 4, True, thai)
    assert due == bkk("2013-04-17T11:00").astimezone(UTC)
    assert due.tzinfo == UTC


def test_the_same_problem_in_calendar_hours_is_due_the_same_evening(thai):
    assert due_at(bkk("2013-04-12T15:00"), 4, False, thai) == bkk("2013-04-12T19:00")


def test_a_plain_weekend_is_skipped(thai):
    # Fri 1 Mar 2013 16:00 + 1 office hour: half an hour on Friday, half an hour on Monday
    assert due_at(bkk("2013-03-01T16:00"), 1, True, thai) == bkk("2013-03-04T09:00")


def test_reported_after_office_hours_starts_counting_when_the_office_opens(thai):
    assert due_at(bkk("2013-04-11T18:45"), 2, True, thai) == bkk("2013-04-12T10:30")
    # before the office opens, the same
    assert due_at(bkk("2013-04-11T06:00"), 2, True, thai) == bkk("2013-04-11T10:30")


def test_reported_exactly_at_closing_time_counts_from_the_next_workday(thai):
    # Friday 16:30 before Songkran: nothing left that day; the next workday is Wednesday
    assert due_at(bkk("2013-04-12T16:30"), 1, True, thai) == bkk("2013-04-17T09:30")


def test_time_that_runs_out_exactly_at_closing_is_due_at_closing_not_next_morning(thai):
    assert due_at(bkk("2013-04-12T12:30"), 4, True, thai) == bkk("2013-04-12T16:30")


def test_office_seconds_between_two_moments_skip_the_weekend_and_the_holidays(thai):
    assert business_seconds_between(bkk("2013-04-12T15:00"), bkk("2013-04-17T11:00"), thai) == 4 * HOUR
    # the whole Songkran weekend and holidays: nothing
    assert business_seconds_between(bkk("2013-04-12T16:30"), bkk("2013-04-17T08:30"), thai) == 0
    assert business_seconds_between(bkk("2013-04-17T11:00"), bkk("2013-04-12T15:00"), thai) == 0


def test_used_seconds_counts_as_the_service_level_counts(thai):
    start, end = bkk("2013-04-12T15:00"), bkk("2013-04-17T11:00")
    assert used_seconds(start, end, True, thai) == 4 * HOUR
    assert used_seconds(start, end, False, thai) == 4 * 24 * HOUR + 20 * HOUR


def test_a_start_with_a_fraction_of_a_second_does_not_drift():
    calendar = Calendar()
    start = bkk("2013-03-04T16:00:00.500000")  # half an hour and half a second before closing
    assert add_business_seconds(start, HOUR, calendar) == bkk("2013-03-05T09:00:00.500000")


def test_a_naive_moment_is_refused_rather_than_read_in_the_machines_zone(thai):
    with pytest.raises(ValueError, match="no time zone"):
        due_at(datetime(2013, 4, 12, 15, 0), 4, True, thai)
    with pytest.raises(ValueError, match="no time zone"):
        business_seconds_between(datetime(2013, 4, 12), bkk("2013-04-13T00:00"), thai)


def test_a_calendar_without_a_real_workday_or_office_time_is_refused():
    with pytest.raises(ValueError, match="no office time"):
        add_business_seconds(bkk("2013-04-12T15:00"), HOUR, Calendar(workdays=frozenset({7})))
    with pytest.raises(ValueError, match="no office time"):
        add_business_seconds(
            bkk("2013-04-12T15:00"), HOUR, Calendar(office_start=time(17), office_end=time(8))
        )
    with pytest.raises(ValueError, match="negative"):
        due_at(bkk("2013-04-12T15:00"), -1, True, Calendar())
