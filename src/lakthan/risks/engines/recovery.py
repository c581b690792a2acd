"""Recovery measured, not claimed: for one system in a drill or an incident, the time to recover
(RTO measured = restored − started) and the data that would be lost (RPO measured = started − the
newest successful backup snapshot taken *before* the start). A snapshot taken after the event began
holds data the event may already have damaged, and cannot have been what the system fell back to,
so it does not count. Both are compared with the system's targets. Pure: no Django."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Recovery:
    rto_s: int
    rpo_s: int | None  # None: no backup precedes the start
    last_backup_at: datetime | None
    rto_target_s: int | None
    rpo_target_s: int | None

    @property
    def rto_met(self) -> bool | None:
        """None when the system has no target; else whether it recovered within it."""
        return None if self.rto_target_s is None else self.rto_s <= self.rto_target_s

    @property
    def rpo_met(self) -> bool | None:
        """None when the system has no target; a system with no backup before the start misses it."""
        if self.rpo_target_s is None:
            return None
        return self.rpo_s is not None and self.rpo_s <= self.rpo_target_s


def measure(
    started: datetime,
    restored: datetime,
    snapshot_times: Iterable[datetime],
    rto_target_s: int | None,
    rpo_target_s: int | None,
) -> Recovery:
    """ValueError for a naive time (an instant needs its offset) or a restore before the start."""
    for moment in (started, restored):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("times must carry their offset")
    if restored < started:
        raise ValueError("restored before it started")
    before = [t for t in snapshot_times if t < started]
    last = max(before, default=None)
    return Recovery(
        rto_s=int((restored - started).total_seconds()),
        rpo_s=None if last is None else int((started - last).total_seconds()),
        last_backup_at=last,
        rto_target_s=rto_target_s,
        rpo_target_s=rpo_target_s,
    )
