"""Backup policy windows and compliance, in Asia/Bangkok calendar days (no Django here).

A window is an ISO week (Monday–Sunday), a calendar month or a day. A snapshot counts in the window
that holds its *Bangkok* day: 23:30 UTC on a Sunday is 06:30 on Monday in Bangkok, so it belongs to
the next ISO week. A period (a round, a fiscal year) is judged on every whole window that overlaps
it: a week that starts in September and ends in October is one week, judged on all its days, and it
appears in both fiscal years' tables with the same verdict. Windows that have not ended by ``today``
are ``open`` (neither met nor missed yet); windows before the system came into service are left out.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from lakthan.lib.timezones import BANGKOK

WINDOWS = ("iso_week", "month", "day")
DEFAULTS = {"intranet": (2, "iso_week"), "internet": (1, "month")}

# A snapshot taken while a source path was missing or empty (an unmounted disk) carries this tag in
# the repository itself, so it is never counted as a backup of the system, also when it is read back
# later by a sync or an import.
INCOMPLETE_TAG = "lakthan:incomplete"


def counts_as_backup(tags: list[str] | None) -> bool:
    return INCOMPLETE_TAG not in (tags or [])


@dataclass(frozen=True)
class Policy:
    klass: str
    min_per_window: int
    window: str

    def __post_init__(self) -> None:
        if self.window not in WINDOWS:
            raise ValueError(f"unknown window {self.window!r} ({', '.join(WINDOWS)})")
        if self.min_per_window < 1:
            raise ValueError("a policy needs at least one backup per window")

    @classmethod
    def default(cls, klass: str) -> Policy:
        if klass not in DEFAULTS:
            raise ValueError(f"unknown class {klass!r} (intranet, internet)")
        n, window = DEFAULTS[klass]
        return cls(klass, n, window)


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive
    required: int
    actual: int
    state: str  # met | missed | open

    @property
    def met(self) -> bool:
        return self.state == "met"


@dataclass(frozen=True)
class Compliance:
    policy: Policy
    start: date
    end: date
    windows: list[Window]

    @property
    def judged(self) -> list[Window]:
        return [w for w in self.windows if w.state != "open"]

    @property
    def missed(self) -> list[Window]:
        return [w for w in self.windows if w.state == "missed"]

    @property
    def percent_met(self) -> float | None:
        judged = self.judged
        if not judged:
            return None
        return round(100.0 * sum(w.met for w in judged) / len(judged), 1)

    def as_json(self, system: str) -> dict:
        return {
            "system": system,
            "policy": {
                "class": self.policy.klass,
                "min_per_window": self.policy.min_per_window,
                "window": self.policy.window,
            },
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "timezone": "Asia/Bangkok",
            "windows": [
                {
                    "start": w.start.isoformat(),
                    "end": w.end.isoformat(),
                    "required": w.required,
                    "actual": w.actual,
                    "met": w.met if w.state != "open" else None,
                }
                for w in self.windows
            ],
            "missed": [
                {"start": w.start.isoformat(), "end": w.end.isoformat(), "actual": w.actual}
                for w in self.missed
            ],
            "percent_met": self.percent_met,
        }


def bangkok_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no Bangkok day")
    return moment.astimezone(BANGKOK).date()


def window_of(day: date, window: str) -> tuple[date, date]:
    if window == "iso_week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if window == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if window == "day":
        return day, day
    raise ValueError(f"unknown window {window!r}")


@lru_cache(maxsize=256)
def windows_overlapping(start: date, end: date, window: str) -> tuple[tuple[date, date], ...]:
    """Every whole window that overlaps [start, end] (cached: a thousand systems share one period)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    out, day = [], start
    while day <= end:
        ws, we = window_of(day, window)
        out.append((ws, we))
        day = we + timedelta(days=1)
    return tuple(out)


def compute(
    policy: Policy,
    snapshot_days: Iterable[date],
    start: date,
    end: date,
    *,
    today: date,
    in_service_from: date | None = None,
) -> Compliance:
    """``snapshot_days``: the Bangkok day of every snapshot (any order, repeats count)."""
    days = sorted(snapshot_days)
    result = []
    for ws, we in windows_overlapping(start, end, policy.window):
        if in_service_from and we < in_service_from:
            continue
        actual = bisect_right(days, we) - bisect_left(days, ws)
        if actual >= policy.min_per_window:
            state = "met"  # reached already, even in a window still running
        elif we >= today:
            state = "open"
        else:
            state = "missed"
        result.append(Window(ws, we, policy.min_per_window, actual, state))
    return Compliance(policy, start, end, result)


def at_risk(
    policy: Policy, snapshot_days: Iterable[date], today: date, horizon_days: int = 1
) -> Window | None:
    """The running window, if it ends within ``horizon_days`` and still lacks backups."""
    ws, we = window_of(today, policy.window)
    days = [d for d in snapshot_days if ws <= d <= we]
    if len(days) < policy.min_per_window and (we - today).days < horizon_days + (
        policy.min_per_window - len(days)
    ):
        return Window(ws, we, policy.min_per_window, len(days), "open")
    return None
