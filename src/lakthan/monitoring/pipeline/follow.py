"""Reading files as they grow: the offset is remembered per path (and inode) across runs; a rotated
file (new inode, or shorter than the offset) is read from the start, after the rest of the old file is
read from its rotated name (``path.1``) when it is there. No Django."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from lakthan.lib.files import write_atomic

A = TypeVar("A")
B = TypeVar("B")

CHUNK_BYTES = 64 << 20  # a file is read this much at a time, so a large one never sits in memory whole


@dataclass
class Chunk:
    path: Path
    data: bytes  # whole lines only, as read (parsers.parse_bytes decodes them)
    first_line: int  # 1-based line number of the first line in the file, for error messages
    key: str  # the followed path this chunk advances
    inode: int
    end: int  # offset just after the chunk in the file it was read from
    next_line: int


class Offsets:
    def __init__(self, state_file: Path, chunk_bytes: int = CHUNK_BYTES):
        self.state_file = state_file
        self.chunk_bytes = chunk_bytes  # bytes read at a time (a chunk holds whole lines: about this much)
        self.state: dict = json.loads(state_file.read_text()) if state_file.exists() else {}

    def save(self) -> None:
        write_atomic(self.state_file, json.dumps(self.state, indent=1).encode())

    def read_new(self, path: Path) -> Iterator[Chunk]:
        """What was added to the file since the last run, in chunks of whole lines. The offset moves on
        when the caller calls ``done(chunk)`` (after it has stored the chunk's events)."""
        path = Path(path).resolve()
        key = str(path)
        st = os.stat(path)
        prev = self.state.get(key)
        offset, line_no = 0, 1
        if prev:
            if prev["inode"] == st.st_ino and st.st_size >= prev["offset"]:
                offset, line_no = prev["offset"], prev["line"]
            else:
                rotated = path.with_name(path.name + ".1")
                if rotated.exists() and os.stat(rotated).st_ino == prev["inode"]:
                    yield from _read(
                        rotated, prev["offset"], prev["line"], key, prev["inode"], self.chunk_bytes
                    )
                self.state[key] = {"inode": st.st_ino, "offset": 0, "line": 1}
        yield from _read(path, offset, line_no, key, st.st_ino, self.chunk_bytes)

    def done(self, chunk: Chunk) -> None:
        self.state[chunk.key] = {"inode": chunk.inode, "offset": chunk.end, "line": chunk.next_line}
        self.save()


def _read(path: Path, offset: int, line_no: int, key: str, inode: int, chunk_bytes: int) -> Iterator[Chunk]:
    with open(path, "rb") as fh:
        fh.seek(offset)
        carry = b""
        while block := fh.read(chunk_bytes):
            data = carry + block
            cut = data.rfind(b"\n") + 1  # a last line without its newline is still being written
            carry = data[cut:]
            if cut:
                lines = data.count(b"\n", 0, cut)
                offset += cut
                yield Chunk(path, data[:cut], line_no, key, inode, offset, line_no + lines)
                line_no += lines


def ahead(items: Iterable[A], work: Callable[[A], B]) -> Iterator[tuple[A, Future[B]]]:
    """Each item with ``work(item)`` under way in a worker; the next item is read and its work
    started before this one is handed over, so reading and parsing overlap the caller's writing.
    At most two items are held at once."""
    with ThreadPoolExecutor(1) as pool:
        held: tuple[A, Future[B]] | None = None
        for item in items:
            started = (item, pool.submit(work, item))
            if held is not None:
                yield held
            held = started
        if held is not None:
            yield held
