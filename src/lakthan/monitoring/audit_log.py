"""Lakthan's own audit trail, written into the tamper-evident log as host `lakthan` (issue 3).

Every committed audit entry becomes one JSON event in the open chunk; the next seal puts it under the
Merkle tree and a signed checkpoint, so a change to Lakthan's data cannot be erased from the record
without `lakthan logs verify` naming it.
"""

from __future__ import annotations

from lakthan.core import audit

HOST = "lakthan"
SOURCE = "lakthan.audit"


def write(entry) -> None:
    from lakthan.monitoring.services import ingest

    ingest.ingest_lines([audit.as_line(entry)], fmt="jsonl", host=HOST, source=SOURCE)
