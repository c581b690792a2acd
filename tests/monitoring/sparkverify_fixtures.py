"""Stores built once per module through the services (ingest_lines + seal), for the Spark verification
and usage tests: the database rows the seal writes are rolled back when the store is built; what the
test needs of them is captured inside the same block."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test import override_settings

BKK = ZoneInfo("Asia/Bangkok")
HOSTS = ("web01", "db01", "10.0.0.9", "mail01")  # 10.0.0.9 is an address of an inventoried host


@contextlib.contextmanager
def rolled_back(django_db_blocker, log_dir: Path) -> Iterator[None]:
    """The database open and the log store at ``log_dir`` for the block; every row written undone."""
    with django_db_blocker.unblock(), override_settings(LAKTHAN_LOG_DIR=log_dir), transaction.atomic():
        yield
        transaction.set_rollback(True)


def syslog_lines(segment: int, n: int) -> list[str]:
    """RFC 5424 lines of several hosts from 22:00 of a Bangkok day into the next (a segment a day, none
    starting on 8 January, when only web01 sends: the others are silent that day)."""
    t0 = datetime(2013, 1, 3 + segment + (segment >= 5), 22, 0, tzinfo=BKK)
    out = []
    for i in range(n):
        host = HOSTS[(i + segment) % len(HOSTS)] if segment != 4 else "web01"  # db01 silent in segment 4
        t = t0 + timedelta(minutes=7 * i)
        out.append(
            f'<38>1 {t.isoformat()} {host} sshd {100 + i} - [meta sequenceId="{segment * 1000 + i}"] '
            f"Accepted password for user{i} from 10.1.{segment}.{i % 250} port 22 ssh2"
        )
    return out


def build(segments: int = 6, per_segment: int = 40) -> None:
    """``segments`` sealed segments, each of ``per_segment`` parsed lines and one that does not parse."""
    from lakthan.monitoring.services import ingest
    from lakthan.monitoring.services import seal as sealing

    for k in range(1, segments + 1):
        ingest.ingest_lines(syslog_lines(k, per_segment), "syslog")
        ingest.ingest_lines([f"garbled line {k}"], "syslog", host="web01")  # kept raw, dated on arrival
        sealing.seal()
