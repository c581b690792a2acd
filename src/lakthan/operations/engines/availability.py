"""Time-weighted availability of a probe from its results (pure: no Django).

Each result holds from its own time until the next result, but never longer than ``HOLD`` × the
probe's interval: past that, nobody looked, and the rest of a longer gap is *unknown* (a worker that
stopped for a day does not make the day up, nor down). The time before the first result, and the time
after ``now``, are unknown too. Availability = up / (up + down), None when nothing was measured.

The period ``[start, end)`` is split at Asia/Bangkok month (or day) boundaries: a result at
2026-01-31 23:58 (+07:00) that holds for 5 minutes gives 2 minutes to January and 3 to February,
however UTC counts it. Bangkok has no daylight saving, but the boundaries are computed from the
calendar in that zone, not by adding 7 hours.

Time is summed in whole microseconds (integers), so the parts add up exactly to the whole.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
HOLD = 3  # a result holds for at most this many intervals


@dataclass(frozen=True)
class Tally:
    label: str  # "YYYY-MM" for a month, "YYYY-MM-DD" for a day, "" for the whole period
    start: datetime
    end: datetime
    up_us: int
    down_us: int

    @property
    def unknown_us(self) -> int:
        return _us(self.end - self.start) - self.up_us - self.down_us

    @property
    def ratio(self) -> float | None:
        measured = self.up_us + self.down_us
        return None if measured == 0 else self.up_us / measured

    def seconds(self) -> dict:
        """Seconds (an int when whole, as they are when results are at whole seconds) and the ratio."""
        return {
            "up_s": as_seconds(self.up_us),
            "down_s": as_seconds(self.down_us),
            "unknown_s": as_seconds(self.unknown_us),
            "ratio": self.ratio,
        }


def as_seconds(us: int) -> int | float:
    return us // 1_000_000 if us % 1_000_000 == 0 else us / 1_000_000


def _us(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must carry its offset")
    return moment


def month_starts(start: datetime, end: datetime, tz: ZoneInfo = BANGKOK) -> list[datetime]:
    """The first instant of each ``tz`` month that overlaps [start, end), the first one at or before
    ``start``."""
    local = start.astimezone(tz)
    year, month = local.year, local.month
    out: list[datetime] = []
    while True:
        first = datetime(year, month, 1, tzinfo=tz)
        if first >= end and out:
            return out
        out.append(first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def day_starts(start: datetime, end: datetime, tz: ZoneInfo = BANGKOK) -> list[datetime]:
    day = start.astimezone(tz).date()
    out: list[datetime] = []
    while True:
        first = datetime.combine(day, time(0), tz)
        if first >= end and out:
            return out
        out.append(first)
        day += timedelta(days=1)


def segments(
    results: Iterable[tuple[datetime, bool]], interval_s: int, now: datetime
) -> list[tuple[datetime, datetime, bool]]:
    """[(from, to, up)]: each result's span (until the next one, at most HOLD intervals, not past now);
    results must be in time order."""
    hold = timedelta(seconds=HOLD * interval_s)
    rows = list(results)
    out = []
    for i, (at, up) in enumerate(rows):
        until = at + hold
        if i + 1 < len(rows):
            until = min(until, rows[i + 1][0])
        until = min(until, now)
        if until > at:
            out.append((at, until, up))
    return out


def tally(
    results: Iterable[tuple[datetime, bool]],
    interval_s: int,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    by: str = "month",
) -> tuple[Tally, list[Tally]]:
    """The whole of [start, end) and its Bangkok months (``by="month"``) or days (``by="day"``), each
    with the time up and down within it. ``results``: (at, up) in time order; those before ``start``
    count for what they hold into it."""
    for moment, name in ((start, "start"), (end, "end"), (now, "now")):
        _aware(moment, name)
    if interval_s <= 0:
        raise ValueError("interval_s must be positive")
    if end <= start:
        raise ValueError("end must be after start")
    firsts = month_starts(start, end) if by == "month" else day_starts(start, end)
    # the arithmetic in integer microseconds since the epoch: exact, and far faster than datetimes
    lo, hi, now_us = _epoch_us(start), _epoch_us(end), _epoch_us(now)
    bounds = [max(_epoch_us(f), lo) for f in firsts] + [hi]
    hold = HOLD * interval_s * 1_000_000
    up = [0] * len(firsts)
    down = [0] * len(firsts)
    points = [(_epoch_us(at), is_up) for at, is_up in results]
    for k, (a, is_up) in enumerate(points):
        b = a + hold
        if k + 1 < len(points) and points[k + 1][0] < b:
            b = points[k + 1][0]
        b = min(b, now_us, hi)
        a = max(a, lo)
        if b <= a:
            continue
        i = bisect_right(bounds, a) - 1
        while a < b:
            part_end = min(b, bounds[i + 1])
            (up if is_up else down)[i] += part_end - a
            a, i = part_end, i + 1
    edges = [max(f, start) for f in firsts] + [end]
    parts = [Tally(_label(f, by), edges[i], edges[i + 1], up[i], down[i]) for i, f in enumerate(firsts)]
    return Tally("", start, end, sum(up), sum(down)), parts


def _epoch_us(moment: datetime) -> int:
    """Microseconds since 1970 (exact: a timestamp of this century times 10⁶ is an integer a double
    holds exactly)."""
    return round(moment.timestamp() * 1_000_000)


def _label(first: datetime, by: str) -> str:
    local = first.astimezone(BANGKOK)
    return f"{local:%Y-%m}" if by == "month" else local.date().isoformat()


def bangkok_span(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """[the start of ``first_day``, the start of the day after ``last_day``) in Bangkok."""
    return (
        datetime.combine(first_day, time(0), BANGKOK),
        datetime.combine(last_day + timedelta(days=1), time(0), BANGKOK),
    )
