"""Event leaves: the C kernel agrees with the reference encoding on every Arrow layout it reads."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakthan.monitoring.engines import _native, eventhash, merkle
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA, conform
from lakthan.monitoring.pipeline.store import event_leaves


def test_encoding_is_the_documented_one():
    ts = datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)
    got = eventhash.encode_event(["ab", None, -2, ts, True, ""])
    want = (
        b"\x00"
        + b"\x01\x02\x00\x00\x00ab"
        + b"\x00"
        + b"\x02"
        + (-2).to_bytes(8, "little", signed=True)
        + b"\x02"
        + (1_000_000).to_bytes(8, "little")
        + b"\x03\x01"
        + b"\x01\x00\x00\x00\x00"
    )
    assert got == want
    assert eventhash.leaf_of(["ab"]) == hashlib.sha256(b"\x00\x01\x02\x00\x00\x00ab").digest()


def test_encoding_is_prefix_free():
    # a string holding what looks like a following field must not collide with two fields
    assert eventhash.encode_event(["a\x00", None]) != eventhash.encode_event(["a", None, None])
    assert eventhash.leaf_of(["ab", "c"]) != eventhash.leaf_of(["a", "bc"])


texts = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["", "x" * 12, "y" * 13, "ก" * 30]))
rows = st.lists(
    st.tuples(
        texts,
        st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
        st.one_of(st.none(), st.booleans()),
        st.one_of(st.none(), st.integers(0, 4_000_000_000_000_000)),  # µs since 1970
        texts,
    ),
    max_size=60,
)


def _frame(data) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "s": [r[0] for r in data],
            "i": [r[1] for r in data],
            "b": [r[2] for r in data],
            "t": pl.Series([r[3] for r in data], dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
            "u": [r[4] for r in data],
        },
        schema={"s": pl.Utf8, "i": pl.Int64, "b": pl.Boolean, "t": pl.Datetime("us", "UTC"), "u": pl.Utf8},
    )


def _reference(df: pl.DataFrame) -> bytes:
    return b"".join(eventhash.leaf_of(r) for r in df.rows())


@settings(max_examples=60, deadline=None)
@given(rows)
def test_native_leaves_equal_the_reference_on_every_layout(data):
    df = _frame(data)
    want = _reference(df)
    views = df.to_arrow(compat_level=pl.CompatLevel.newest())  # string_view, as polars holds it
    large = df.to_arrow(compat_level=pl.CompatLevel.oldest())  # large_string
    small = large.cast(
        pa.schema([f.with_type(pa.string()) if f.type == pa.large_string() else f for f in large.schema])
    )
    for table in (views, large, small):
        assert eventhash.leaves(table) == want
    if df.height > 2:  # slices start at an offset inside the buffers; tables of several chunks
        assert eventhash.leaves(views.slice(1)) == want[32:]
        chunked = pa.concat_tables([small.slice(0, 2), small.slice(2)])
        assert chunked.column(0).num_chunks == 2 and eventhash.leaves(chunked) == want


def test_rows_are_split_over_threads_in_order():
    df = _frame([(f"m{i}", i, i % 2 == 0, i, None) for i in range(1001)])
    table = df.to_arrow(compat_level=pl.CompatLevel.newest())
    leaves = eventhash.leaves(table, parallel_rows=10)
    assert leaves == _reference(df)
    for n in (0, 1, 2, 3, 10, 11, 1000, 1001):
        part = leaves[: 32 * n]
        assert eventhash.root(part, parallel_rows=10) == _recursive_root(eventhash.split(part))


def _recursive_root(hashes: list[bytes]) -> bytes:
    """RFC 6962 §2.1's MTH, written as the RFC does."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return merkle.node_hash(_recursive_root(hashes[:k]), _recursive_root(hashes[k:]))


def test_event_leaves_cover_the_stored_columns_only_in_their_order():
    df = conform(
        pl.DataFrame(
            {
                "ts": [datetime(2013, 8, 1, tzinfo=UTC) + timedelta(seconds=i) for i in range(5)],
                "host": ["web01", None, "ฐานข้อมูล", "", "db1"],
                "parser": ["syslog", "syslog", None, "jsonl", "nginx"],
                "msg": ["a", "b" * 100, None, "x", "ไทย"],
                "raw": ["<1>a", "b" * 100, "c", "x", "ไทย ดี"],
            }
        )
    )
    assert list(df.columns) == list(SCHEMA)
    assert event_leaves(df) == _reference(df.select(EVIDENCE))
    # a column that is read out of the line again is not part of the proof
    assert event_leaves(df.with_columns(pl.lit("other").alias("msg"))) == event_leaves(df)
    assert event_leaves(df.with_columns(pl.col("raw") + "!")) != event_leaves(df)


def test_buffers_that_do_not_hold_the_rows_are_refused():
    offsets = pa.py_buffer((0).to_bytes(4, "little") + (1000).to_bytes(4, "little"))
    with pytest.raises(ValueError, match="buffers do not hold"):
        _native.leaf_hashes([(1, None, offsets, b"short", 0)], 0, 1)
    with pytest.raises(ValueError, match="buffers do not hold"):
        _native.leaf_hashes([(3, None, None, b"\x00" * 8, 0)], 0, 2)
    with pytest.raises(ValueError, match="unknown kind"):
        _native.leaf_hashes([(9, None, None, b"", 0)], 0, 0)
    with pytest.raises(ValueError, match="multiple of 32"):
        _native.merkle_root(b"\x00" * 33)
