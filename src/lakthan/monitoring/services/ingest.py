"""Events into the store: files read from where they were left (offsets kept), or lines given."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lakthan.core.errors import InvalidInput
from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.follow import CHUNK_BYTES, Offsets, ahead
from lakthan.monitoring.services.home import state_dir, store
from lakthan.monitoring.services.rules import chunk_annotations


@dataclass
class IngestResult:
    files: int
    events: int
    unparsed: int
    out_of_window: int = 0  # given times outside the sane window, timed at their receipt


def ingest_files(
    paths: list[Path],
    host: str | None = None,
    fmt: str = "auto",
    year: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> IngestResult:
    """Reads what is new in each file (offsets remembered), parses it and writes it durably to the open
    chunks; `seal` then makes segments of it. All files are checked before any is read."""
    if fmt not in parsers.FORMATS:
        raise InvalidInput(
            f"รูปแบบ '{fmt}' ไม่รู้จัก", f"unknown format '{fmt}' (one of {', '.join(parsers.FORMATS)})"
        )
    for p in paths:
        if not Path(p).is_file():
            raise InvalidInput(f"ไม่พบไฟล์ {p}", f"file not found: {p}")
    s = store()
    s.recover()
    annotate = functools.cache(chunk_annotations)  # asked once, at the first large chunk
    offsets = Offsets(state_dir() / "files.json", chunk_bytes)
    events = unparsed = out_of_window = 0

    def parse(chunk):
        return parsers.parse_bytes(chunk.data, fmt, host=host, source=str(chunk.path), year=year)

    for p in paths:  # each chunk is read and parsed while the one before is written
        for chunk, parsing in ahead(offsets.read_new(Path(p)), parse):
            try:
                parsed = parsing.result()
            except (pl.exceptions.PolarsError, ValueError) as exc:
                raise InvalidInput(
                    f"{chunk.path}:{chunk.first_line}: อ่านไม่ได้ ({exc})",
                    f"{chunk.path}:{chunk.first_line}: cannot parse ({exc})",
                ) from None
            s.append(parsed.events, annotate)
            offsets.done(chunk)  # after the events are durable: a crash re-reads at most this chunk
            events += parsed.events.height
            unparsed += parsed.unparsed
            out_of_window += parsed.out_of_window
    offsets.save()
    return IngestResult(len(paths), events, unparsed, out_of_window)


def ingest_lines(lines: list[str], fmt: str = "auto", host: str | None = None, source: str = "") -> int:
    parsed = parsers.parse(lines, fmt, host=host, source=source)
    store().append(parsed.events, chunk_annotations)
    return parsed.events.height
