"""Reading files as they grow: the offset is remembered per path (and inode) across runs; a rotated
file (new inode, or shorter than the offset) is read from the start, after the rest of the old file is
read from its rotated name (``path.1``) when it is there. No Django."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from lakthan.monitoring.pipeline.files import write_atomic


@dataclass
class Chunk:
    path: Path
    data: bytes  # whole lines only, as read (parsers.parse_bytes decodes them)
    first_line: int  # 1-based line number of the first line in the file, for error messages


class Offsets:
    def __init__(self, state_file: Path):
        self.state_file = state_file
        self.state: dict = json.loads(state_file.read_text()) if state_file.exists() else {}

    def save(self) -> None:
        write_atomic(self.state_file, json.dumps(self.state, indent=1).encode())

    def read_new(self, path: Path) -> list[Chunk]:
        path = Path(path).resolve()
        key = str(path)
        st = os.stat(path)
        prev = self.state.get(key)
        out: list[Chunk] = []
        offset, line_no = 0, 1
        if prev:
            if prev["inode"] == st.st_ino and st.st_size >= prev["offset"]:
                offset, line_no = prev["offset"], prev["line"]
            else:
                rotated = path.with_name(path.name + ".1")
                if rotated.exists() and os.stat(rotated).st_ino == prev["inode"]:
                    out.append(self._read(rotated, prev["offset"], prev["line"])[0])
        chunk, end, next_line = self._read(path, offset, line_no)
        out.append(chunk)
        self.state[key] = {"inode": st.st_ino, "offset": end, "line": next_line}
        return [c for c in out if c.data]

    @staticmethod
    def _read(path: Path, offset: int, line_no: int) -> tuple[Chunk, int, int]:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read()
        cut = data.rfind(b"\n") + 1  # a last line without its newline is still being written
        data = data[:cut]
        return Chunk(path, data, line_no), offset + cut, line_no + data.count(b"\n")
