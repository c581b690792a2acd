"""Event leaf hashes and Merkle roots for the tamper-evident log, fast (no Django).

An event's leaf is the RFC 6962 leaf hash of its canonical encoding:

    SHA-256( 0x00 || field_1 || field_2 || … )        the stored columns, in schema.EVIDENCE's order

    null                  0x00
    string                0x01, byte length as 4 bytes little-endian, the UTF-8 bytes
    integer, timestamp    0x02, 8 bytes little-endian two's complement (timestamps: µs since 1970 UTC)
    boolean               0x03, 0x00 or 0x01

The encoding is prefix-free, so two different events never encode the same way. ``encode_event`` is
the reference implementation of it; ``leaves`` computes the same thing in C (``_native.c``) straight
from Arrow buffers, over both cores, and ``root`` computes the RFC 6962 tree hash in C.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pyarrow as pa

from lakthan.monitoring.engines import _native

HASH_SIZE = 32
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime.resolution
PARALLEL_ROWS = 50_000  # below this, one thread is faster than two (the default of ``parallel_rows``)
_THREADS = min(os.cpu_count() or 1, 8)


def encode_event(values: Iterable[object]) -> bytes:
    """The canonical encoding of one event (values in schema order), leaf prefix included."""
    out = bytearray(b"\x00")
    for v in values:
        if v is None:
            out.append(0)
        elif isinstance(v, bool):
            out += bytes((3, int(v)))
        elif isinstance(v, int):
            out.append(2)
            out += v.to_bytes(8, "little", signed=True)
        elif isinstance(v, datetime):
            out.append(2)
            out += ((v - _EPOCH) // _MICROSECOND).to_bytes(8, "little", signed=True)
        elif isinstance(v, str):
            data = v.encode()
            out.append(1)
            out += len(data).to_bytes(4, "little") + data
        else:
            raise TypeError(f"no canonical encoding for {type(v).__name__}")
    return bytes(out)


def leaf_of(values: Iterable[object]) -> bytes:
    """Reference leaf hash of one event (the slow path, for tests and single-event proofs)."""
    return hashlib.sha256(encode_event(values)).digest()


def leaves(table: pa.Table, parallel_rows: int = PARALLEL_ROWS) -> bytes:
    """Leaf hashes of every row of ``table`` (columns in schema order), 32 bytes each, concatenated;
    a batch of ``parallel_rows`` rows or more is split over threads."""
    tasks: list[tuple[list[_native.Column], int, int]] = []
    for batch in table.to_batches():  # a Parquet file reads as one batch per row group: no copying
        n = batch.num_rows
        columns = [_column_buffers(batch.column(i)) for i in range(batch.num_columns)]
        step = n if n < parallel_rows else -(-n // _THREADS)
        tasks += [(columns, a, min(a + step, n)) for a in range(0, n, step)]
    if len(tasks) <= 1:
        return b"".join(_native.leaf_hashes(*t) for t in tasks)
    with ThreadPoolExecutor(_THREADS) as pool:  # the C kernel releases the GIL
        return b"".join(pool.map(lambda t: _native.leaf_hashes(*t), tasks))


def root(leaf_hashes: bytes, parallel_rows: int = PARALLEL_ROWS) -> bytes:
    """RFC 6962 tree hash of concatenated 32-byte leaf hashes; from ``parallel_rows`` leaves on, the two
    subtrees of the root in parallel."""
    n = len(leaf_hashes) // HASH_SIZE
    if n < parallel_rows or _THREADS == 1:
        return _native.merkle_root(leaf_hashes)
    k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two below n: RFC 6962's split
    view = memoryview(leaf_hashes)
    with ThreadPoolExecutor(2) as pool:
        left, right = pool.map(_native.merkle_root, (view[: k * HASH_SIZE], view[k * HASH_SIZE :]))
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(leaf_hashes: bytes) -> list[bytes]:
    return [leaf_hashes[i : i + HASH_SIZE] for i in range(0, len(leaf_hashes), HASH_SIZE)]


def _column_buffers(arr: pa.Array) -> _native.Column:
    """(kind, validity, offsets, data, offset) for the C kernel; see _native.c for the kinds."""
    t, n = arr.type, len(arr)
    if pa.types.is_null(t):  # a column that is null throughout: an all-zero validity bitmap
        return (4, bytes(n // 8 + 1), None, bytes(n // 8 + 1), 0)
    validity, *rest = arr.buffers()
    if pa.types.is_string_view(t):  # polars' own layout, exported without copying
        return (5, validity, rest[0], rest[1:], arr.offset)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        offsets, data = rest
        return (1 if pa.types.is_string(t) else 2, validity, offsets, data or b"", arr.offset)
    if pa.types.is_int64(t) or (pa.types.is_timestamp(t) and t.unit == "us"):
        return (3, validity, None, rest[0], arr.offset)
    if pa.types.is_boolean(t):
        return (4, validity, None, rest[0], arr.offset)
    raise TypeError(f"no canonical encoding for Arrow type {t}")
