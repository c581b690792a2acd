"""Our own reader of the Parquet files the store writes (engines/_parquet_pages.c, eventhash.parquet_leaves):
for every file it reads, the leaves are those of the rows polars reads; any file it does not read
(another layout, codec or page version) it leaves to polars (None), never a wrong answer."""

from __future__ import annotations

import io
import random
import subprocess
import sys

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakthan.monitoring.engines import _native, _parquet_pages, eventhash
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA, evidence
from lakthan.monitoring.pipeline.segment_layout import EVIDENCE_PARQUET
from lakthan.monitoring.pipeline.store import PARQUET_OPTIONS, event_leaves


def _events(n: int, seed: int, nulls: float = 0.05) -> pl.DataFrame:
    """n events shaped as the store keeps them: few hosts (dictionary pages), lines all different
    (plain pages), some nulls in every column, a few lines kept as bytes."""
    rng = random.Random(seed)

    def maybe(value):
        return None if rng.random() < nulls else value

    rows = {
        "ts": [maybe(1_700_000_000_000_000 + rng.randrange(10**12)) for _ in range(n)],
        "host": [maybe(f"srv-{rng.randrange(300):04d}") for _ in range(n)],
        "source": [maybe(rng.choice(["/var/log/syslog", "udp:10.0.0.7", "tcp:10.0.0.8"])) for _ in range(n)],
        "parser": [maybe(rng.choice(["syslog", "nginx", "ผู้ใช้"])) for _ in range(n)],
        "raw": [
            maybe(
                f"<38>Mar  1 09:{i % 60:02d}:00 h sshd[{rng.randrange(10**6)}]: ข้อความ {'x' * rng.randrange(300)}"
            )
            for i in range(n)
        ],
        "raw_bytes": [b"\xff\xfe" * rng.randrange(20) if rng.random() < 0.02 else None for _ in range(n)],
    }
    rows["ts"] = pl.Series(rows["ts"], dtype=pl.Int64).cast(SCHEMA["ts"])
    return pl.DataFrame(rows, schema={c: SCHEMA[c] for c in EVIDENCE})


def _polars(df: pl.DataFrame, **options) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf, **options)
    return buf.getvalue()


def _pyarrow(df: pl.DataFrame, **options) -> bytes:
    buf = io.BytesIO()
    pq.write_table(df.to_arrow(), buf, **options)
    return buf.getvalue()


def _required(df: pl.DataFrame) -> bytes:
    """Columns that cannot be null (no definition levels in their pages), without the bytes column."""
    table = df.to_arrow()
    table = table.cast(pa.schema([f.with_nullable(False) for f in table.schema]))
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="none")
    return buf.getvalue()


def _read(data: bytes) -> bytes | None:
    return eventhash.parquet_leaves(data, EVIDENCE_PARQUET)


def _polars_leaves(data: bytes) -> bytes:
    return event_leaves(pl.read_parquet(io.BytesIO(data)))


WRITTEN = {
    "as the store writes (lz4)": lambda df: _polars(df, **PARQUET_OPTIONS["lz4"]),
    "as the store writes (zstd)": lambda df: _polars(df, **PARQUET_OPTIONS["zstd"]),
    "uncompressed": lambda df: _polars(df, compression="uncompressed"),
    "small row groups and pages": lambda df: _polars(
        df, compression="lz4", row_group_size=700, data_page_size=4096
    ),
    "pyarrow, dictionaries": lambda df: _pyarrow(
        df, compression="lz4", data_page_size=8192, row_group_size=900
    ),
    "pyarrow, no dictionary": lambda df: _pyarrow(df, compression="zstd", use_dictionary=False),
    "pyarrow, required columns": lambda df: _required(df.drop("raw_bytes").drop_nulls()),
}


@pytest.mark.parametrize("write", WRITTEN.values(), ids=WRITTEN.keys())
def test_every_file_it_reads_gives_the_leaves_of_the_rows_polars_reads(write):
    df = _events(5_000, seed=7)
    data = write(df)
    got = _read(data)
    assert got is not None and len(got) > 0
    assert got == _polars_leaves(data)


def test_large_row_groups_are_split_over_the_threads_in_order():
    data = _polars(_events(3_000, seed=3), **PARQUET_OPTIONS["lz4"])
    assert _parquet_pages.layout(data)[1] == 1
    assert eventhash.parquet_leaves(data, EVIDENCE_PARQUET, parallel_rows=100) == _polars_leaves(data)


def test_a_file_of_no_rows_and_one_without_the_bytes_column_written_before_it_was_added():
    empty = _polars(_events(0, seed=1), **PARQUET_OPTIONS["lz4"])
    assert _read(empty) == b""
    old = _polars(_events(500, seed=2).drop("raw_bytes"), **PARQUET_OPTIONS["lz4"])
    assert _read(old) == _polars_leaves(old) and len(_read(old)) == 500 * 32


def test_null_throughout_and_all_present_columns():
    df = _events(400, seed=4, nulls=0.0).with_columns(pl.lit(None, dtype=pl.Utf8).alias("host"))
    data = _polars(df, **PARQUET_OPTIONS["lz4"])
    assert _read(data) == _polars_leaves(data)
    every = _events(400, seed=5, nulls=0.0).with_columns(pl.lit(b"\x80", dtype=pl.Binary).alias("raw_bytes"))
    data = _polars(every, **PARQUET_OPTIONS["lz4"])
    assert _read(data) == _polars_leaves(data)


OTHERWISE = {
    "snappy": lambda df: _polars(df, compression="snappy"),
    "gzip": lambda df: _polars(df, compression="gzip"),
    "data pages of version 2": lambda df: _pyarrow(df, data_page_version="2.0", compression="lz4"),
    "columns in another order": lambda df: _polars(df.select(reversed(EVIDENCE))),
    "a column more": lambda df: _polars(df.with_columns(pl.lit(1).alias("extra"))),
    "time in milliseconds": lambda df: _polars(df.with_columns(pl.col("ts").dt.cast_time_unit("ms"))),
    "host as a number": lambda df: _polars(df.with_columns(pl.lit(3).alias("host"))),
    "raw as bytes": lambda df: _polars(df.with_columns(pl.col("raw").cast(pl.Binary))),
}


@pytest.mark.parametrize("write", OTHERWISE.values(), ids=OTHERWISE.keys())
def test_a_file_laid_out_otherwise_is_left_to_polars(write):
    assert _read(write(_events(300, seed=9))) is None


def test_a_file_of_more_row_groups_than_the_store_ever_writes_is_left_to_polars():
    df = _events(1_100, seed=12, nulls=0.0)
    many = _polars(df, compression="uncompressed", row_group_size=1)
    assert _read(many) is None
    with pytest.raises(ValueError, match="too many row groups"):
        _parquet_pages.layout(many)
    assert _read(_polars(df, compression="uncompressed", row_group_size=2)) == event_leaves(df)


@pytest.mark.parametrize(
    "data", [b"", b"PAR1", b"PAR1PAR1", b"PAR1" + b"\x00" * 20 + b"PAR1", b"not parquet" * 10]
)
def test_what_is_not_parquet_is_left_to_polars(data):
    assert _read(data) is None
    with pytest.raises(ValueError, match="not read here"):
        _parquet_pages.layout(data)


def test_the_layout_read_is_the_stored_columns_and_verification_imports_neither_polars_nor_pyarrow():
    assert [name for name, _ in EVIDENCE_PARQUET] == list(EVIDENCE)
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, lakthan.monitoring.pipeline.verify; print(sorted({'polars', 'pyarrow'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "[]"


def test_a_column_of_another_type_is_described_and_not_read():
    data = _polars(pl.DataFrame({"n": [1, 2], "flag": [True, False], "x": [1.5, 2.5]}))
    assert _parquet_pages.layout(data) == ([("n", "int64"), ("flag", "unsupported"), ("x", "unsupported")], 1)
    with pytest.raises(ValueError, match="type not read here"):
        _parquet_pages.read_row_group(data, 0)


def test_buffers_still_held_are_never_handed_out_again_and_are_read_only():
    first = _polars(_events(3_000, seed=13), **PARQUET_OPTIONS["lz4"])
    other = _polars(_events(3_000, seed=14), **PARQUET_OPTIONS["lz4"])
    rows, held, nulls = _parquet_pages.read_row_group(first, 0)
    assert 0 < nulls[-1] < rows  # some lines kept as bytes: the bytes column is hashed
    contents = [bytes(memoryview(buffer)) for column in held for buffer in column[1:4] if buffer is not None]
    want = _native.leaf_hashes(held, 0, rows)
    for _ in range(5):  # blocks of the same sizes taken and given back meanwhile
        _parquet_pages.read_row_group(other, 0)
        _read(other)
    assert [bytes(memoryview(b)) for c in held for b in c[1:4] if b is not None] == contents
    assert _native.leaf_hashes(held, 0, rows) == want == _polars_leaves(first)
    assert all(memoryview(b).readonly for c in held for b in c[1:4] if b is not None)
    _parquet_pages.release()
    assert _read(first) == want


def test_the_reader_describes_the_columns_and_refuses_a_row_group_it_does_not_have():
    data = _polars(_events(50, seed=6), **PARQUET_OPTIONS["lz4"])
    assert _parquet_pages.layout(data) == (list(EVIDENCE_PARQUET), 1)
    with pytest.raises(ValueError, match="no such row group"):
        _parquet_pages.read_row_group(data, 1)


texts = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["", "a", "ก" * 13]))
rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(-(2**62), 2**62)),
        texts,
        st.one_of(st.none(), st.sampled_from(["x", "udp:1", ""])),
        texts,
        texts,
        st.one_of(st.none(), st.binary(max_size=20)),
    ),
    max_size=80,
)


@settings(max_examples=80, deadline=None)
@given(data=rows, writer=st.sampled_from(sorted(WRITTEN)))
def test_any_events_read_as_polars_reads_them(data, writer):
    columns = {c: [r[k] for r in data] for k, c in enumerate(EVIDENCE)}
    columns["ts"] = pl.Series(columns["ts"], dtype=pl.Int64).cast(SCHEMA["ts"])
    df = evidence(pl.DataFrame(columns, schema={c: SCHEMA[c] for c in EVIDENCE}))
    file = WRITTEN[writer](df)
    assert _read(file) == _polars_leaves(file)


def test_the_leaves_are_those_of_the_events_written():
    df = _events(1_000, seed=11)
    assert _read(_polars(df, **PARQUET_OPTIONS["lz4"])) == event_leaves(df)
