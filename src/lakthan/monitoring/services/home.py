"""Where the log store lives and how it is configured (settings parsed once in lakthan.settings)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from lakthan.lib.files import write_atomic
from lakthan.monitoring.pipeline.store import LogStore


def log_home() -> Path:
    return Path(settings.LAKTHAN_LOG_DIR)


def state_dir() -> Path:
    """Derived files of the store: file offsets, kept matches, the last verification report."""
    return log_home() / "state"


def origin() -> str:
    return settings.LAKTHAN_LOG_ORIGIN


def silent_hours() -> int:
    return int(settings.LAKTHAN_LOG_SILENT_HOURS)


def store() -> LogStore:
    return LogStore(log_home(), origin=origin(), alone_rows=settings.LAKTHAN_LOG_ALONE_ROWS)


def record_udp_counters(counters: dict) -> None:
    """The UDP receiver's counters, written by `logs serve` for the web process (/metrics, overview)."""
    write_atomic(state_dir() / "udp-counters.json", json.dumps(counters).encode())


def udp_counters() -> dict | None:
    """received, stored, dropped (by the kernel, its queue full), truncated; None if never served."""
    path = state_dir() / "udp-counters.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
