"""Whether a dataset is current: its last update is at most its expected interval old at the moment
judged; and over a period, the time-weighted share in which it was current.

The share over a period, from the dataset's readings (pure: times are seconds since the epoch):

- Each reading tells the last update known at that moment. Between one reading and the next, the
  last update known is the one it read, and the data counts as current while the moment judged is at
  most ``every_s`` after it — so a dataset turns late *between* readings, at ``last_update + every_s``,
  not only when a reading finds it late. This is ``judge`` at every instant, with the newest reading
  before it: at a reading's own moment the state is the reading's own verdict.
- A failed read (no last update) tells nothing new: the last update known carries forward.
- Time before the first reading that read a last update is unknown: it is neither current nor late,
  and the share leaves it out. A period with no known time has no share (None).
- An update "in the future" of a reading (a source whose clock runs ahead) keeps the data current
  until ``last_update + every_s``, as ``judge`` says.

Readings at or after the period's end are ignored; readings before its start give the state at the
start (the caller passes at least the newest successful one before the start).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

CURRENT, LATE, UNKNOWN = "current", "late", "unknown"


def judge(last_update: datetime, every_s: int, at: datetime) -> tuple[bool, int]:
    """(late, late_by_s): late when more than ``every_s`` seconds passed since the last update;
    late_by_s is the excess (0 when current). An update "in the future" of the moment judged (a source
    whose clock runs ahead) is current, never a negative lateness."""
    age = (at - last_update).total_seconds()
    excess = int(age - every_s)
    return (excess > 0, max(0, excess))


@dataclass(frozen=True)
class Tally:
    """The period cut into spans of one state, (start, end, state), in time order, neighbours of the
    same state merged; the seconds in each state."""

    segments: tuple[tuple[float, float, str], ...] = field(default_factory=tuple)

    def seconds(self, state: str) -> float:
        return sum(b - a for a, b, s in self.segments if s == state)

    @property
    def current_s(self) -> float:
        return self.seconds(CURRENT)

    @property
    def late_s(self) -> float:
        return self.seconds(LATE)

    @property
    def unknown_s(self) -> float:
        return self.seconds(UNKNOWN)

    @property
    def ratio(self) -> float | None:
        """The share of the known time in which the data was current; None when no time is known."""
        known = self.current_s + self.late_s
        return None if known <= 0 else self.current_s / known

    @property
    def late_spans(self) -> list[tuple[float, float]]:
        return [(a, b) for a, b, s in self.segments if s == LATE]

    @property
    def unknown_spans(self) -> list[tuple[float, float]]:
        return [(a, b) for a, b, s in self.segments if s == UNKNOWN]


def tally(readings: Iterable[tuple[float, float | None]], every_s: float, start: float, end: float) -> Tally:
    """The states of [start, end) from ``readings``: (at, last_update or None for a failed read), in any
    order. See the module's docstring for the rules."""
    if end <= start:
        return Tally()
    ordered = sorted((r for r in readings if r[0] < end), key=lambda r: r[0])
    known: float | None = None
    i = 0
    while i < len(ordered) and ordered[i][0] <= start:
        if ordered[i][1] is not None:
            known = ordered[i][1]
        i += 1
    pieces: list[tuple[float, float, str]] = []

    def add(a: float, b: float, state: str) -> None:
        if b <= a:
            return
        if pieces and pieces[-1][2] == state and pieces[-1][1] == a:
            pieces[-1] = (pieces[-1][0], b, state)
        else:
            pieces.append((a, b, state))

    def hold(a: float, b: float, last: float | None) -> None:
        """[a, b) with ``last`` the last update known throughout."""
        if last is None:
            add(a, b, UNKNOWN)
            return
        turns_late = last + every_s  # current up to and including this instant
        add(a, min(b, max(a, turns_late)), CURRENT)
        add(max(a, turns_late), b, LATE)

    cursor = start
    while i < len(ordered):
        at, last = ordered[i]
        hold(cursor, at, known)
        if last is not None:
            known = last
        cursor = at
        i += 1
    hold(cursor, end, known)
    return Tally(tuple(pieces))
