"""Periodic jobs for item 2 (huey; `lakthan worker` runs them).

Huey hands a periodic task's test the consumer's clock: naive UTC when the instance runs with
``utc=True`` (its default, and ours), naive local time otherwise. A plain ``crontab(hour="2")`` therefore
fires at 02:00 UTC, which is 09:00 in Bangkok, in the middle of the office day. The heavy jobs are
scheduled on Bangkok time instead (``bangkok``), in the small hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring.services import alerts, jobs, retention, sources, verification
from lakthan.monitoring.services import seal as sealing


def bangkok(**fields: str) -> Callable[[datetime], bool]:
    """A crontab read on Asia/Bangkok wall-clock time, whatever clock huey keeps."""
    matches = crontab(**fields)

    def validate(timestamp: datetime) -> bool:
        aware = timestamp.replace(tzinfo=UTC) if HUEY.utc else timestamp.astimezone()
        return matches(aware.astimezone(BANGKOK).replace(tzinfo=None))

    return validate


@db_periodic_task(crontab(minute="*/5"))
def seal_logs():
    sealing.seal()  # a segment and a signed checkpoint every 5 minutes when events came in


@db_periodic_task(crontab(minute="7", hour="*"))
def detect_intrusions():
    alerts.detect()


@db_periodic_task(bangkok(minute="30", hour="2"))
def verify_logs():
    verification.verify()  # reads every segment back: 02:30 Bangkok time


@db_periodic_task(bangkok(minute="45", hour="3"))
def prune_logs():
    retention.prune()  # 03:45 Bangkok time


@db_task()
def run_job(kind: str):
    jobs.run(kind)  # a seal or a verification asked for on the monitoring page


@db_periodic_task(crontab(minute="*"))
def read_log_sources():
    sources.read_sources()  # what is new in each log file an administrator added, every minute


from lakthan.monitoring.services import hunts  # noqa: E402  (retro-hunts)


@db_task()
def run_hunt(hunt_id: int, sources: list[tuple[str, str]]):
    hunts.execute(hunt_id, sources)  # a retro-hunt asked for on the hunts page or through the API
