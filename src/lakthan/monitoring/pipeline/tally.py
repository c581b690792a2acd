"""Coverage counts taken from parsed events (no Django): events per host and day, and the runs of
RFC 5424 sequence ids each host sent.

They are taken when a chunk is written, from the events already parsed, and kept beside it; the
tallies of a segment's chunks stacked are the segment's, so indexing a sealed segment does not read
its lines again. Runs rather than ids: a host that numbers its messages sends one run per chunk, and
the ids missing between runs are the same as between the ids themselves.
"""

from __future__ import annotations

import polars as pl

UNKNOWN_HOST = "(unknown)"


def _by_day(events: pl.DataFrame, tz: str) -> pl.DataFrame:
    return events.with_columns(
        pl.col("ts").dt.convert_time_zone(tz).dt.date().alias("day"),
        pl.col("host").fill_null(UNKNOWN_HOST),
    )


def days(events: pl.DataFrame, tz: str = "Asia/Bangkok") -> pl.DataFrame:
    """Per host and local day: events (``n``), lines that did not parse, first and last time."""
    return (
        _by_day(events, tz)
        .group_by(["host", "day"])
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            (~pl.col("parsed")).sum().cast(pl.Int64).alias("unparsed"),
            pl.col("ts").min().alias("first"),
            pl.col("ts").max().alias("last"),
        )
    )


def seq_runs(events: pl.DataFrame, tz: str = "Asia/Bangkok") -> pl.DataFrame:
    """Per host, the runs of consecutive sequence ids (``start`` … ``end``) and the local day of the
    event that opens each run."""
    seq = (
        _by_day(events, tz)
        .filter(pl.col("seq").is_not_null())
        .select("host", "day", pl.col("seq").cast(pl.Int64))
        .sort(["host", "seq"])
    )
    opens = (pl.col("seq").diff().over("host").fill_null(2) > 1).cum_sum().alias("run")
    return (
        seq.with_columns(opens)
        .group_by("host", "run", maintain_order=True)
        .agg(pl.col("seq").first().alias("start"), pl.col("seq").last().alias("end"), pl.col("day").first())
        .drop("run")
    )


def stack_days(parts: pl.DataFrame) -> pl.DataFrame:
    """Several tallies of ``days`` (chunks of one segment) as one."""
    return parts.group_by(["host", "day"]).agg(
        pl.col("n").sum(), pl.col("unparsed").sum(), pl.col("first").min(), pl.col("last").max()
    )


def seq_gaps(
    runs: pl.DataFrame, last: dict[str, int]
) -> tuple[dict[tuple[str, object], int], dict[str, int]]:
    """Sequence ids missing per (host, day), counted before each run from the highest id seen so far
    (``last``: per host, from earlier segments); and the highest ids after these runs. A missing id
    counts on the day of the event that follows it."""
    if runs.height == 0:
        return {}, dict(last)
    before = pl.DataFrame(
        {"host": list(last), "before": list(last.values())}, schema={"host": pl.Utf8, "before": pl.Int64}
    )
    runs = runs.sort(["host", "start"]).join(before, on="host", how="left")
    seen = pl.max_horizontal(pl.col("end").cum_max().shift(1).over("host"), pl.col("before"))
    runs = runs.with_columns((pl.col("start") - seen - 1).clip(lower_bound=0).fill_null(0).alias("gap"))
    gaps = runs.filter(pl.col("gap") > 0).group_by(["host", "day"]).agg(pl.col("gap").sum())
    highest = runs.group_by("host").agg(pl.max_horizontal(pl.col("end").max(), pl.col("before").max()))
    out = dict(last)
    out.update(dict(highest.iter_rows()))
    return {(h, d): int(g) for h, d, g in gaps.iter_rows()}, out
