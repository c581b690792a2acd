"""Reading sealed events back: the segments of a period, and the search behind the events page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

import polars as pl

from lakthan.monitoring.models import Segment
from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.services.home import store

log = logging.getLogger(__name__)
T = TypeVar("T")

EARLIEST, LATEST = datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)


def scan_events(
    start: datetime | None = None, end: datetime | None = None, columns: list[str] | None = None
) -> pl.DataFrame:
    """Events of every sealed, unpruned segment overlapping [start, end], with segment and position."""
    s = store()
    frames = []
    for index in readable_segments(s, start, end):
        df = unless_unreadable(index, partial(positioned, s, index, columns))
        if df is not None:
            frames.append(df.filter(in_range(start, end)) if start or end else df)
    if not frames:
        schema = {c: SCHEMA[c] for c in columns or SCHEMA}
        return pl.DataFrame(schema={**schema, "segment": pl.Int64, "position": pl.Int64})
    return pl.concat(frames, how="vertical")


def readable_segments(s: LogStore, start: datetime | None, end: datetime | None) -> Iterator[int]:
    """The sealed, unpruned segments overlapping [start, end] whose files are there."""
    for seg in Segment.objects.filter(pruned_at__isnull=True).order_by("index"):
        if (start and seg.last_ts < start) or (end and seg.first_ts > end):
            continue
        if s.segment_path(seg.index).exists():
            yield seg.index


def unless_unreadable(index: int, read: Callable[[], T]) -> T | None:
    """What ``read`` gives, or None when segment ``index`` cannot be read (a damaged or altered file):
    one bad segment must not stop search or detection over the others; verification names it."""
    try:
        return read()
    except (pl.exceptions.PolarsError, ValueError, OSError) as exc:
        log.warning("log segment %s left out, it cannot be read (%s); run `lakthan logs verify`", index, exc)
        return None


def in_range(start: datetime | None, end: datetime | None) -> pl.Expr:
    return pl.col("ts").is_between(start or EARLIEST, end or LATEST)


def positioned(s: LogStore, index: int, columns: list[str] | None = None) -> pl.DataFrame:
    """A segment's events with their segment and position."""
    return s.read_segment(index, columns).with_columns(
        pl.lit(index, dtype=pl.Int64).alias("segment"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("position"),
    )


@dataclass(frozen=True)
class Found:
    """One page of a search: its events (newest first) and how many matched in all."""

    rows: list[dict]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total


# what the events page shows of an event, beside its segment and position
SHOWN = (
    "ts", "host", "app", "pid", "severity", "msg", "fmt", "action", "user", "src_ip", "method", "uri",
    "status", "useragent", "vhost", "record", "source", "parser", "parsed", "seq",
)  # fmt: skip


def search(
    host: str = "",
    text: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 100,
    hosts: set[str] | None = None,
    offset: int = 0,
) -> Found:
    """The matching events, newest first, from ``offset``, at most ``limit``; ``hosts`` (when given)
    limits them to those senders first, so another unit's events never take the places of the
    caller's. Only the page's events are read out of their lines again."""
    df = scan_events(start, end, columns=list(EVIDENCE))
    if hosts is not None:
        df = df.filter(pl.col("host").is_in(sorted(hosts)))
    if host:
        df = df.filter(pl.col("host") == host)
    if text:
        df = df.filter(pl.col("raw").str.to_lowercase().str.contains(text.lower(), literal=True))
    found = df.sort(["ts", "segment", "position"], descending=True).slice(offset, limit)
    rows = (
        parsers.derive(found.select(EVIDENCE))
        .hstack(found.select("segment", "position"))
        .select(*SHOWN, "segment", "position")
        .to_dicts()
    )
    return Found(rows=rows, total=df.height, offset=offset, limit=limit)
