"""Event leaves: the C kernel agrees with the reference encoding on every Arrow layout it reads."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakthan.monitoring.engines import _native, eventhash, merkle
from lakthan.monitoring.engines.eventhash import leaf_of
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA, conform
from lakthan.monitoring.pipeline.store import event_leaves

CPU_HAS_SHA = any(
    "sha_ni" in line.split() for line in open("/proc/cpuinfo").read().splitlines() if line.startswith("flags")
)
# the kernels' two ways of hashing: the CPU's SHA extensions two messages at a time (_sha256_ni.h), OpenSSL
SHA_PATHS = [pytest.param(True, id="sha-ni"), pytest.param(False, id="openssl")]


@contextlib.contextmanager
def hashing_with(sha_ni: bool):
    if sha_ni and not CPU_HAS_SHA:
        pytest.skip("this CPU has no SHA extensions")
    before = _native.sha_ni()
    assert _native.sha_ni(sha_ni) is sha_ni
    try:
        yield
    finally:
        _native.sha_ni(before)


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
    # bytes: tag 4; empty bytes are a value, not a null
    assert (
        eventhash.encode_event(["a", b"\xff\x00"]) == b"\x00\x01\x01\x00\x00\x00a\x04\x02\x00\x00\x00\xff\x00"
    )
    assert (
        eventhash.encode_event(["a", b""], bytes_last=True)
        == b"\x00\x01\x01\x00\x00\x00a\x04\x00\x00\x00\x00"
    )


def test_a_null_bytes_field_adds_nothing_so_earlier_events_keep_their_leaves():
    ts = datetime(2013, 8, 1, tzinfo=UTC)
    before = ["<13>line", "web01", None, "syslog", ts]
    assert eventhash.encode_event([*before, None], bytes_last=True) == eventhash.encode_event(before)
    # but a null that is not the bytes field is written, as it always was
    assert eventhash.encode_event([*before, None]) == eventhash.encode_event(before) + b"\x00"
    # and what would read as the bytes field cannot come from the fields before it
    with_bytes = eventhash.encode_event([*before, b"x"])
    assert with_bytes.startswith(eventhash.encode_event(before)) and with_bytes != eventhash.encode_event(
        before
    )


def test_only_the_last_field_may_be_bytes():
    with pytest.raises(TypeError, match="last"):
        eventhash.encode_event([b"x", "a"])
    table = pa.table({"raw_bytes": pa.array([b"x"]), "raw": pa.array(["a"])})
    with pytest.raises(TypeError, match="only the last column may be bytes"):
        eventhash.leaves(table)
    with pytest.raises(TypeError, match="only the last column may be bytes"):
        eventhash.leaves(pa.table({"b": pa.array([b"x"], pa.binary_view()), "raw": pa.array(["a"])}))
    for typed_as_text in (pa.array(["x"]), pa.array([None], pa.string())):
        with pytest.raises(TypeError, match="not binary"):
            eventhash.leaves(pa.table({"raw": pa.array(["a"]), "raw_bytes": typed_as_text}))


def test_encoding_is_prefix_free():
    # a string holding what looks like a following field must not collide with two fields
    assert eventhash.encode_event(["a\x00", None]) != eventhash.encode_event(["a", None, None])
    assert eventhash.leaf_of(["ab", "c"]) != eventhash.leaf_of(["a", "bc"])


texts = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["", "x" * 12, "y" * 13, "ก" * 30]))
binaries = st.one_of(
    st.none(),
    st.binary(max_size=40),
    st.sampled_from([b"", b"\xff" * 12, b"\x00" * 13, "ก".encode()[:2] * 30]),
)
rows = st.lists(
    st.tuples(
        texts,
        st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
        st.one_of(st.none(), st.booleans()),
        st.one_of(st.none(), st.integers(0, 4_000_000_000_000_000)),  # µs since 1970
        texts,
        binaries,
    ),
    max_size=60,
)
_SCHEMA = {
    "s": pl.Utf8,
    "i": pl.Int64,
    "b": pl.Boolean,
    "t": pl.Datetime("us", "UTC"),
    "u": pl.Utf8,
    "raw_bytes": pl.Binary,
}


def _frame(data) -> pl.DataFrame:
    columns = {name: [r[k] for r in data] for k, name in enumerate(_SCHEMA)}
    columns["t"] = pl.Series(columns["t"], dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))
    return pl.DataFrame(columns, schema=_SCHEMA)


def _reference(df: pl.DataFrame) -> bytes:
    bytes_last = df.schema[df.columns[-1]] == pl.Binary
    return b"".join(eventhash.leaf_of(r, bytes_last) for r in df.rows())


def _layouts(df: pl.DataFrame) -> list[pa.Table]:
    """The table as polars exports it (string and binary views), with 64-bit offsets, with 32-bit ones."""
    views = df.to_arrow(compat_level=pl.CompatLevel.newest())
    large = df.to_arrow(compat_level=pl.CompatLevel.oldest())  # large_string, large_binary
    small_type = {pa.large_string(): pa.string(), pa.large_binary(): pa.binary()}
    small = large.cast(pa.schema([f.with_type(small_type.get(f.type, f.type)) for f in large.schema]))
    return [views, large, small]


@pytest.mark.parametrize("sha_ni", SHA_PATHS)
@settings(max_examples=60, deadline=None)
@given(data=rows)
def test_native_leaves_equal_the_reference_on_every_layout(sha_ni, data):
    with hashing_with(sha_ni):
        _leaves_equal_the_reference_on_every_layout(data)


def _leaves_equal_the_reference_on_every_layout(data):
    df = _frame(data)
    want = _reference(df)
    views, large, small = _layouts(df)
    assert pa.types.is_binary_view(views.schema.field("raw_bytes").type)  # polars' own layout
    for table in (views, large, small):
        assert eventhash.leaves(table) == want
    if df.height > 2:  # slices start at an offset inside the buffers; tables of several chunks
        assert eventhash.leaves(views.slice(1)) == want[32:]
        chunked = pa.concat_tables([small.slice(0, 2), small.slice(2)])
        assert chunked.column(0).num_chunks == 2 and eventhash.leaves(chunked) == want
    # without the bytes column, or with it null throughout (typed, or of Arrow's null type): the
    # leaves of the rows whose bytes are null are those of the rows without the column
    without = _reference(df.drop("raw_bytes"))
    nulls = df.with_columns(pl.lit(None, dtype=pl.Binary).alias("raw_bytes"))
    null_type = views.set_column(5, "raw_bytes", pa.nulls(df.height))
    for table in (*_layouts(nulls), null_type):
        assert eventhash.leaves(table) == without
    is_null = df["raw_bytes"].is_null().to_list()
    assert [a == b for a, b in zip(eventhash.split(want), eventhash.split(without), strict=True)] == is_null


def test_the_sha_extensions_are_used_where_the_cpu_has_them():
    before = _native.sha_ni()
    try:
        assert before is CPU_HAS_SHA  # on at import where the CPU has them
        assert _native.sha_ni(True) is CPU_HAS_SHA  # and never turned on where it has not
        assert _native.sha_ni(False) is False
    finally:
        _native.sha_ni(before)


def test_lakthan_sha_ni_0_keeps_to_openssl():
    code = "from lakthan.monitoring.engines import eventhash, _native; print(_native.sha_ni())"
    env = {k: v for k, v in os.environ.items() if k != "LAKTHAN_SHA_NI"}
    off = subprocess.run(
        [sys.executable, "-c", code], env={**env, "LAKTHAN_SHA_NI": "0"}, capture_output=True
    )
    on = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
    assert off.stdout.decode().strip() == "False"
    assert on.stdout.decode().strip() == str(CPU_HAS_SHA)


@pytest.mark.parametrize("sha_ni", SHA_PATHS)
def test_every_message_length_hashes_as_hashlib_does(sha_ni):
    """Leaves of every length from 0 to 1,100 bytes of line, so that the two messages hashed side by side
    differ by a byte (and, every 64, by a block: the longer one's last block alone); an odd count of rows
    leaves the last one alone. Roots of every size to 70 leaves and around powers of two."""
    line = bytes(range(256)) * 5
    table = pa.table({"raw_bytes": [line[:n] for n in range(1101)]})
    want = b"".join(
        hashlib.sha256(b"\x00\x04" + n.to_bytes(4, "little") + line[:n]).digest() for n in range(1101)
    )
    reversed_want = b"".join(reversed(eventhash.split(want)))
    with hashing_with(sha_ni):
        assert eventhash.leaves(table, parallel_rows=10**9) == want
        assert eventhash.leaves(table.take(list(range(1100, -1, -1))), parallel_rows=10**9) == reversed_want
        for n in [*range(71), 127, 128, 129, 1023, 1024, 1025]:
            part = want[: 32 * n]
            assert _native.merkle_root(part) == _recursive_root(eventhash.split(part)), n


@pytest.mark.parametrize("sha_ni", SHA_PATHS)
def test_roots_hashed_block_by_block_are_the_rfc_6962_roots(sha_ni):
    """The kernel hashes 1,024 leaves at a time and then the tree over those blocks' roots: sizes on
    and around the blocks' edges and their powers of two, against the recursive definition."""
    leaves = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(8 * 1024 + 2))
    with hashing_with(sha_ni):
        for n in (
            2047,
            2048,
            2049,
            3071,
            3072,
            3073,
            4097,
            5 * 1024 + 1,
            8 * 1024 - 1,
            8 * 1024,
            8 * 1024 + 2,
        ):
            part = leaves[: 32 * n]
            assert _native.merkle_root(part) == _recursive_root(eventhash.split(part)), n
        assert _native.merkle_root(bytearray(leaves)) == _recursive_root(eventhash.split(leaves))


def test_rows_are_split_over_threads_in_order():
    df = _frame(
        [(f"m{i}", i, i % 2 == 0, i, None, b"\xff" * (i % 3) if i % 5 else None) for i in range(1001)]
    )
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
        _native.leaf_hashes([(11, None, None, b"", 0)], 0, 0)


def test_strings_laid_out_as_parquet_plain_are_hashed_and_positions_past_them_refused():
    data = (5).to_bytes(4, "little") + b"hello" + (0).to_bytes(4, "little")

    def at(*positions: int) -> bytes:
        return b"".join(p.to_bytes(8, "little", signed=True) for p in positions)

    assert _native.leaf_hashes([(9, None, at(0, 9), data, 0)], 0, 2) == leaf_of(["hello"]) + leaf_of([""])
    assert _native.leaf_hashes([(10, None, at(0), data, 0)], 0, 1) == leaf_of([b"hello"])
    for bad in (at(1), at(-1), at(10), at(1 << 62)):  # a length read past the data, or before it
        with pytest.raises(ValueError, match="buffers do not hold"):
            _native.leaf_hashes([(9, None, bad, data, 0)], 0, 1)
    with pytest.raises(ValueError, match="buffers do not hold"):  # a length longer than what follows
        _native.leaf_hashes([(9, None, at(0), (6).to_bytes(4, "little") + b"hello", 0)], 0, 1)
    with pytest.raises(ValueError, match="buffers do not hold"):  # fewer positions than rows
        _native.leaf_hashes([(9, None, at(0), data, 0)], 0, 2)
    with pytest.raises(ValueError, match="multiple of 32"):
        _native.merkle_root(b"\x00" * 33)
