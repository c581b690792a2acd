"""Whether a dataset is current: its last update is at most its expected interval old at the moment
judged."""

from __future__ import annotations

from datetime import datetime


def judge(last_update: datetime, every_s: int, at: datetime) -> tuple[bool, int]:
    """(late, late_by_s): late when more than ``every_s`` seconds passed since the last update;
    late_by_s is the excess (0 when current). An update "in the future" of the moment judged (a source
    whose clock runs ahead) is current, never a negative lateness."""
    age = (at - last_update).total_seconds()
    excess = int(age - every_s)
    return (excess > 0, max(0, excess))
