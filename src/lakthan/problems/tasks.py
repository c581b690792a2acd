"""Periodic jobs of item 6 (huey; `lakthan worker` runs them).

Every ten minutes the assignees of open problems about to breach their service level are told once
(lakthan.problems.services.sla_summary.warn_due); a lock keeps two runs from overlapping."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from lakthan.problems.services import sla_summary


@db_periodic_task(crontab(minute="*/10"))
@HUEY.lock_task("problems-warn-due")
def warn_due():
    sla_summary.warn_due()  # each open problem under LAKTHAN_PROBLEM_WARN_PERCENT of its time left, once
