"""Durable file writes: a temporary file beside the target, fsync, rename, fsync of the directory.

A reader sees the old file or the new one, never half of either, and a crash after the call returns
cannot lose the rename. The temporary file is named ``.NAME.tmpPID``: a recovery that finds one can
tell a writer still running from one that died (monitoring's log store relies on this).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PRIVATE = 0o600


def fsync_dir(path: Path) -> None:
    """Makes a rename, creation or removal inside the directory durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp{os.getpid()}")


@contextmanager
def atomic_writer(path: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """Yields a binary file to stream into; on leaving the block the content replaces ``path``.
    If the block raises, ``path`` is left as it was and the temporary file is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # a stale temporary file keeps its old mode through O_TRUNC
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Replaces ``path`` with ``data`` (text is written as UTF-8)."""
    with atomic_writer(path, mode) as fh:
        fh.write(data.encode() if isinstance(data, str) else data)


def write_private(path: Path, data: bytes | str) -> None:
    """Like :func:`write_atomic`, readable by its owner only (mode 0600): keys, passwords."""
    write_atomic(path, data, PRIVATE)
