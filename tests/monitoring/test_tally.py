"""Coverage tallies taken per chunk and stacked per segment must equal the counts over the segment's
events, and sequence gaps over runs must equal the event-by-event count (the references below are the
plain ways of counting: every event's local day, then ids in order)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakthan.monitoring.pipeline import tally

T0 = datetime(2013, 8, 1, 15, tzinfo=UTC)  # 22:00 in Bangkok: two hours on cover two local days


def _by_day(events: pl.DataFrame, tz: str = "Asia/Bangkok") -> pl.DataFrame:
    return events.with_columns(
        pl.col("ts").dt.convert_time_zone(tz).dt.date().alias("day"),
        pl.col("host").fill_null("(unknown)"),
    )


def reference_days(events: pl.DataFrame, tz: str = "Asia/Bangkok") -> pl.DataFrame:
    return (
        _by_day(events, tz)
        .group_by(["host", "day"])
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            (~pl.col("parsed")).sum().cast(pl.Int64).alias("unparsed"),
            pl.col("ts").min().alias("first"),
            pl.col("ts").max().alias("last"),
        )
        .sort(["host", "day"])
    )


def reference_gaps(events: pl.DataFrame, last: dict[str, int]) -> tuple[dict, dict]:
    """Event by event in id order per host (in arrival order among equal ids): ids above the highest
    seen + 1 count as missing, on the day of the event after them."""
    last = dict(last)
    out: dict = {}
    rows = _by_day(events).filter(pl.col("seq").is_not_null())
    for (host,), part in rows.group_by(["host"]):
        prev = last.get(host)
        for row in part.sort("seq", maintain_order=True).iter_rows(named=True):
            if prev is not None and row["seq"] > prev + 1:
                out[(host, row["day"])] = out.get((host, row["day"]), 0) + row["seq"] - prev - 1
            prev = row["seq"] if prev is None else max(prev, row["seq"])
        last[host] = prev
    return out, last


event = st.tuples(
    st.sampled_from(["web01", "db01", None]),
    st.integers(0, 7200),  # seconds after T0
    st.one_of(st.none(), st.integers(0, 15)),
    st.booleans(),
)


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ts": [T0 + timedelta(seconds=s) for _, s, _, _ in rows],
            "host": [h for h, _, _, _ in rows],
            "seq": [q for _, _, q, _ in rows],
            "parsed": [p for _, _, _, p in rows],
        },
        schema={"ts": pl.Datetime("us", "UTC"), "host": pl.Utf8, "seq": pl.Int64, "parsed": pl.Boolean},
    )


def chunks_of(df: pl.DataFrame, cuts: list[int]) -> list[pl.DataFrame]:
    bounds = sorted({0, df.height, *(c % (df.height + 1) for c in cuts)})
    return [df.slice(a, b - a) for a, b in zip(bounds, bounds[1:], strict=False)] or [df]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    segments=st.lists(
        st.tuples(st.lists(event, max_size=40), st.lists(st.integers(0, 40), max_size=4)), max_size=4
    ),
    start=st.dictionaries(st.sampled_from(["web01", "db01", "(unknown)"]), st.integers(-1, 30), max_size=2),
)
def test_stacked_chunk_tallies_equal_the_counts_over_each_segment(segments, start):
    last_runs, last_ref = dict(start), dict(start)
    for rows, cuts in segments:
        df = frame(rows)
        parts = chunks_of(df, cuts)
        days = tally.stack_days(pl.concat([tally.days(p) for p in parts]))
        assert days.select(reference_days(df).columns).sort(["host", "day"]).equals(reference_days(df))
        gaps, last_runs = tally.seq_gaps(pl.concat([tally.seq_runs(p) for p in parts]), last_runs)
        expected, last_ref = reference_gaps(df, last_ref)
        assert gaps == expected
        assert last_runs == last_ref


def test_gaps_count_on_the_day_of_the_event_after_them_and_continue_from_earlier_segments():
    df = frame([("web01", 0, 5, True), ("web01", 7300, 9, True), ("db01", 10, 3, False)])
    gaps, last = tally.seq_gaps(tally.seq_runs(df), {"web01": 1, "db01": 3})
    assert gaps == {("web01", date(2013, 8, 1)): 3, ("web01", date(2013, 8, 2)): 3}  # 5 at 22:00, 9 at 00:01
    assert last == {"web01": 9, "db01": 3}
    assert tally.days(df).filter(pl.col("host") == "db01")["unparsed"].to_list() == [1]


def test_runs_of_different_chunks_that_overlap_leave_no_gap():
    chunks = [frame([("web01", 0, q, True) for q in ids]) for ids in (range(1, 11), (3, 4), range(6, 13))]
    gaps, last = tally.seq_gaps(pl.concat([tally.seq_runs(c) for c in chunks]), {})
    assert gaps == {} and last == {"web01": 12}


def test_local_days_follow_a_zone_that_changes_its_offset():
    """The quarters of a batch are converted, not its events: across New York's change to summer time
    every event still counts on its own local day."""
    start = datetime(2026, 3, 7, 20, tzinfo=UTC)
    ts = [start + timedelta(minutes=7 * i) for i in range(900)]
    df = pl.DataFrame(
        {"ts": ts, "host": ["web01", None] * 450, "parsed": [True, True, False] * 300},
        schema={"ts": pl.Datetime("us", "UTC"), "host": pl.Utf8, "parsed": pl.Boolean},
    )
    expected = reference_days(df, "America/New_York")
    assert expected.height == 12  # two hosts, six local days
    assert tally.days(df, "America/New_York").sort(["host", "day"]).equals(expected)
