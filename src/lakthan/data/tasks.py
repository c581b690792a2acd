"""Periodic jobs of item 5 (huey; `lakthan worker` runs them).

Each minute the datasets and quality rules that are due are read and run (lakthan.data.services.reading
.run_due: a dataset at least hourly, or at its interval when shorter; rules daily); a lock keeps two
runs from overlapping when a slow source outlasts the tick."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from lakthan.data.services import reading


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("data-read-datasets")
def read_datasets():
    reading.run_due()  # every active dataset whose newest reading is older than its read interval
