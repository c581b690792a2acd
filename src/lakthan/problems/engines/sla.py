"""Service-level arithmetic: when a problem is due, and how much of the allowed time a span used, in
calendar hours or in business hours (office hours on workdays that are not public holidays, in
Asia/Bangkok wall-clock time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from lakthan.lib.timezones import BANGKOK

HOUR = 3600


@dataclass(frozen=True)
class Calendar:
    office_start: time = time(8, 30)
    office_end: time = time(16, 30)
    workdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def office(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.office_start, tzinfo=BANGKOK),
            datetime.combine(day, self.office_end, tzinfo=BANGKOK),
        )


def _aware(moment: datetime) -> datetime:
    # a naive moment would be read in the machine's own zone by astimezone(): refuse it instead
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    return moment


def _check(calendar: Calendar) -> None:
    # workdays outside Monday–Sunday (or none) would leave the day-by-day walk without an end
    if calendar.office_end <= calendar.office_start or not calendar.workdays & set(range(7)):
        raise ValueError("the calendar has no office time")


def due_at(reported: datetime, hours: int, business: bool, calendar: Calendar) -> datetime:
    """The moment the allowed time runs out (UTC)."""
    if hours < 0:
        raise ValueError("the allowed time cannot be negative")
    reported = _aware(reported)
    if not business:
        return (reported + timedelta(hours=hours)).astimezone(UTC)
    return add_business_seconds(reported, hours * HOUR, calendar)


def add_business_seconds(start: datetime, seconds: int, calendar: Calendar) -> datetime:
    """``start`` moved forward by ``seconds`` of office time. Time outside office hours does not count;
    a problem reported at night starts counting when the office opens."""
    _check(calendar)
    if seconds < 0:
        raise ValueError("the allowed time cannot be negative")
    remaining = float(seconds)  # kept exact: a start with a fraction of a second must not drift
    local = _aware(start).astimezone(BANGKOK)
    day = local.date()
    while True:
        if calendar.is_workday(day):
            opens, closes = calendar.office(day)
            begin = max(opens, local)
            if begin < closes:
                available = (closes - begin).total_seconds()
                if remaining <= available:
                    return (begin + timedelta(seconds=remaining)).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)


def business_seconds_between(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Office time between two moments (0 when ``end`` is not after ``start``)."""
    if _aware(end) <= _aware(start):
        return 0
    first, last = start.astimezone(BANGKOK), end.astimezone(BANGKOK)
    total = 0.0
    day = first.date()
    while day <= last.date():
        if calendar.is_workday(day):
            opens, closes = calendar.office(day)
            begin, finish = max(opens, first), min(closes, last)
            if finish > begin:
                total += (finish - begin).total_seconds()
        day += timedelta(days=1)
    return int(total)


def used_seconds(start: datetime, end: datetime, business: bool, calendar: Calendar) -> int:
    """The time a problem took, counted the way its service level counts."""
    if business:
        return business_seconds_between(start, end, calendar)
    return max(0, int((end - start).total_seconds()))
