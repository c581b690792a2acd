"""Whether a dataset is current: its last update is at most its expected interval old at the moment
judged; and over a period, the time-weighted share in which it was current.

The share over a period, from the dataset's readings (pure: times are seconds since the epoch):

- Each reading tells the last update known at that moment. An update counts from the moment it was
  made: the data is current from each update read until ``every_s`` after it, and late when no update
  read covers the moment. So a dataset turns late *between* readings, at ``last_update + every_s``,
  not only when a reading finds it late; and an update that a later reading reveals (made between two
  readings) counts from when it was made — a dataset updated every day at 02:00 and read at 08:00 is
  current all day, not late from 02:00 to 08:00 for want of a reading. At a reading's own moment the
  state is the reading's own verdict (``judge``).
- A failed read (no last update) tells nothing new: the last update known carries forward.
- Time before the first reading that read a last update is unknown: it is neither current nor late,
  and the share leaves it out. A period with no known time has no share (None).
- An update "in the future" of its reading (a source whose clock runs ahead) counts from the reading
  and keeps the data current until ``last_update + every_s``, as ``judge`` says.

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
    read = [(at, last) for at, last in readings if at < end and last is not None]
    if not read:
        return Tally(((start, end, UNKNOWN),))
    known_from = min(max(min(at for at, _ in read), start), end)
    # each update read covers [when it was made (at the latest, its reading), last_update + every_s]
    covers = sorted((min(last, at), last + every_s) for at, last in read)
    pieces: list[tuple[float, float, str]] = []

    def add(a: float, b: float, state: str) -> None:
        if b <= a:
            return
        if pieces and pieces[-1][2] == state and pieces[-1][1] == a:
            pieces[-1] = (pieces[-1][0], b, state)
        else:
            pieces.append((a, b, state))

    add(start, known_from, UNKNOWN)
    cursor = known_from
    for a, b in covers:
        a, b = min(max(a, cursor), end), min(b, end)
        if b <= cursor:
            continue
        add(cursor, a, LATE)
        add(a, b, CURRENT)
        cursor = b
    add(cursor, end, LATE)
    return Tally(tuple(pieces))
