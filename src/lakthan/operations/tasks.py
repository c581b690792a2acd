"""Periodic jobs of items 4 and 8 (huey; `lakthan worker` runs them).

Each minute the probes that are due run (each at its own interval, lakthan.operations.services.probes
.run_due); a lock keeps two runs from overlapping when a slow minute of timeouts outlasts the tick."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from lakthan.operations.services import probes


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("operations-run-probes")
def run_probes():
    probes.run_due()  # every active probe whose newest result is older than its interval
