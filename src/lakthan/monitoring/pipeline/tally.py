"""Coverage counts taken from parsed events (no Django): events per host and day, and the runs of
RFC 5424 sequence ids each host sent.

They are taken when a large chunk is written, from the events already parsed, and kept beside it for
its segment, so indexing the segment does not read its lines again (a segment joined from small
chunks is read back and counted by the same functions). Runs rather than ids: a host that numbers its
messages sends one run per chunk, and the ids missing between runs are the same as between the ids
themselves.
"""

from __future__ import annotations

import polars as pl

UNKNOWN_HOST = "(unknown)"
# every zone's offset from UTC, and every change of it, falls on a quarter hour, so the events of one
# quarter hour (UTC) share a local day: the few quarters a batch spans are converted, not its events
QUARTER_S = 900


def days(events: pl.DataFrame, tz: str = "Asia/Bangkok") -> pl.DataFrame:
    """Per host and local day: events (``n``), lines that did not parse, first and last time."""
    if events.height == 0:  # (polars 2.1 gives an empty replace_strict its input's type)
        ts = events.schema["ts"]
        return pl.DataFrame(
            schema={
                "host": pl.Utf8,
                "day": pl.Date,
                "n": pl.Int64,
                "unparsed": pl.Int64,
                "first": ts,
                "last": ts,
            }
        )
    quarter = pl.col("ts").dt.epoch("s") // QUARTER_S
    quarters = events.select(quarter.unique().alias("quarter"))
    local = quarters.select(
        "quarter", (pl.col("quarter") * QUARTER_S * 1_000_000).cast(pl.Datetime("us", "UTC")).alias("at")
    ).with_columns(_local_day("at", tz))
    return events.group_by(
        pl.col("host").fill_null(UNKNOWN_HOST),
        quarter.replace_strict(local["quarter"], local["day"], return_dtype=pl.Date).alias("day"),
    ).agg(
        pl.len().cast(pl.Int64).alias("n"),
        (~pl.col("parsed")).sum().cast(pl.Int64).alias("unparsed"),
        pl.col("ts").min().alias("first"),
        pl.col("ts").max().alias("last"),
    )


def seq_runs(events: pl.DataFrame, tz: str = "Asia/Bangkok") -> pl.DataFrame:
    """Per host, the runs of consecutive sequence ids (``start`` … ``end``) in the order the events
    came, and the local day of the event that opens each run."""
    seq = events.lazy().select(pl.col("host").fill_null(UNKNOWN_HOST), "ts", pl.col("seq").cast(pl.Int64))
    seq = seq.filter(pl.col("seq").is_not_null()).with_columns(
        (pl.col("seq") != pl.col("seq").shift(1).over("host") + 1).fill_null(True).alias("opens"),
        (pl.col("seq").shift(-1).over("host") != pl.col("seq") + 1).fill_null(True).alias("closes"),
    )
    starts, ends = pl.collect_all(
        [
            seq.filter("opens").select("host", pl.col("seq").alias("start"), _local_day("ts", tz)),
            seq.filter("closes").select("host", pl.col("seq").alias("end")),
        ]
    )
    # a host's k-th opening and k-th closing event bound its k-th run: paired host by host
    starts, ends = starts.sort("host", maintain_order=True), ends.sort("host", maintain_order=True)
    return starts.with_columns(ends["end"]).select("host", "start", "end", "day")


def _local_day(column: str, tz: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(tz).dt.date().alias("day")


def stack_days(parts: pl.DataFrame) -> pl.DataFrame:
    """Tallies of ``days`` with several rows for a host and day (parts of a day, chunks) as one."""
    return parts.group_by(["host", "day"]).agg(
        pl.col("n").sum(), pl.col("unparsed").sum(), pl.col("first").min(), pl.col("last").max()
    )


def seq_gaps(
    runs: pl.DataFrame, last: dict[str, int]
) -> tuple[dict[tuple[str, object], int], dict[str, int]]:
    """Sequence ids missing per (host, day), counted before each run from the highest id seen so far
    (``last``: per host, from earlier segments); and the highest ids after these runs. A missing id
    counts on the day of the first event that came with the next id above it."""
    if runs.height == 0:
        return {}, dict(last)
    before = pl.DataFrame(
        {"host": list(last), "before": list(last.values())}, schema={"host": pl.Utf8, "before": pl.Int64}
    )
    runs = runs.sort(["host", "start"], maintain_order=True).join(before, on="host", how="left")
    seen = pl.max_horizontal(pl.col("end").cum_max().shift(1).over("host"), pl.col("before"))
    runs = runs.with_columns((pl.col("start") - seen - 1).clip(lower_bound=0).fill_null(0).alias("gap"))
    gaps = runs.filter(pl.col("gap") > 0).group_by(["host", "day"]).agg(pl.col("gap").sum())
    highest = runs.group_by("host").agg(pl.max_horizontal(pl.col("end").max(), pl.col("before").max()))
    out = dict(last)
    out.update(dict(highest.iter_rows()))
    return {(h, d): int(g) for h, d, g in gaps.iter_rows()}, out
