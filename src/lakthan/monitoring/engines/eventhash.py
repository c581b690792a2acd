"""Event leaf hashes and Merkle roots for the tamper-evident log, fast (no Django).

An event's leaf is the RFC 6962 leaf hash of its canonical encoding:

    SHA-256( 0x00 || field_1 || field_2 || … )        the stored columns, in schema.EVIDENCE's order

    null                  0x00
    string                0x01, byte length as 4 bytes little-endian, the UTF-8 bytes
    integer, timestamp    0x02, 8 bytes little-endian two's complement (timestamps: µs since 1970 UTC)
    boolean               0x03, 0x00 or 0x01
    bytes                 0x04, byte length as 4 bytes little-endian, the bytes
    null bytes            nothing at all

Every field is prefix-free (its tag and length say where it ends), so a sequence of them reads back
one way only and two different events never encode the same way. A null of the bytes field is left
out rather than written 0x00 so that adding that field (``raw_bytes``, the line as received when it
was not UTF-8) left the leaf of every event stored before it, and of every event received as UTF-8
since, what it was: old segments verify as they are. That stays unambiguous because the bytes field
may only be the last one: once the fields before it are read, the encoding either ends (null) or
holds exactly one 0x04 field. Two omissible fields side by side would not be (either one's value
would encode the same), hence the rule.

``encode_event`` is the reference implementation of it; ``leaves`` computes the same thing in C
(``_native.c``) straight from Arrow buffers, over both cores; ``parquet_leaves`` from a Parquet file's
bytes, read by our own reader of the pages the store writes (``_parquet_pages.c``); and ``root``
computes the RFC 6962 tree hash in C.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lakthan import config
from lakthan.monitoring.engines import _native, _parquet_pages

HASH_SIZE = 32
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime.resolution
PARALLEL_ROWS = 50_000  # below this, one thread is faster than two (the default of ``parallel_rows``)
_THREADS = min(os.cpu_count() or 1, 8)
# the stored column of bytes (schema.EVIDENCE's last); only its name tells that a column of Arrow's
# null type, which has no type of its own, is bytes (left out) and not a null of another type (0x00)
BYTES_COLUMNS = ("raw_bytes",)

if TYPE_CHECKING:  # pyarrow is imported where Arrow tables are hashed: verification needs none
    import pyarrow as pa

if not config.sha_ni():  # hash with OpenSSL only (the kernels' other path)
    _native.sha_ni(False)


def encode_event(values: Sequence[object], bytes_last: bool = False) -> bytes:
    """The canonical encoding of one event (values in schema order), leaf prefix included;
    ``bytes_last``: the last value is the bytes field, so None there is left out."""
    out = bytearray(b"\x00")
    last = len(values) - 1
    for k, v in enumerate(values):
        if v is None:
            if not (bytes_last and k == last):
                out.append(0)
        elif isinstance(v, bytes | bytearray | memoryview):
            if k != last:
                raise TypeError("only the last field may be bytes")
            out.append(4)
            out += len(v).to_bytes(4, "little") + bytes(v)
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


def leaf_of(values: Sequence[object], bytes_last: bool = False) -> bytes:
    """Reference leaf hash of one event (the slow path, for tests and single-event proofs)."""
    return hashlib.sha256(encode_event(values, bytes_last)).digest()


def leaves(
    table: pa.Table, parallel_rows: int = PARALLEL_ROWS, bytes_columns: Collection[str] = BYTES_COLUMNS
) -> bytes:
    """Leaf hashes of every row of ``table`` (columns in schema order), 32 bytes each, concatenated;
    a batch of ``parallel_rows`` rows or more is split over threads. A column of Arrow's binary types,
    or one named in ``bytes_columns``, is the bytes field: it must be the last."""
    import pyarrow as pa

    names, types = table.column_names, table.schema.types
    is_bytes = [name in bytes_columns or _is_binary(t) for name, t in zip(names, types, strict=True)]
    if any(is_bytes[:-1]):
        raise TypeError(f"only the last column may be bytes, not {names[is_bytes.index(True)]!r}")
    if is_bytes and is_bytes[-1] and not (_is_binary(types[-1]) or pa.types.is_null(types[-1])):
        raise TypeError(f"the bytes column {names[-1]!r} is of Arrow type {types[-1]}, not binary")
    tasks: list[tuple[list[_native.Column], int, int]] = []
    for batch in table.to_batches():  # a Parquet file reads as one batch per row group: no copying
        n = batch.num_rows
        columns = [
            _column_buffers(batch.column(i))
            for i in range(batch.num_columns)
            # bytes null in every row encode nothing: the kernel need not visit them (nearly always so)
            if not (is_bytes[i] and batch.column(i).null_count == n)
        ]
        step = n if n < parallel_rows else -(-n // _THREADS)
        tasks += [(columns, a, min(a + step, n)) for a in range(0, n, step)]
    if len(tasks) <= 1:
        return b"".join(_native.leaf_hashes(*t) for t in tasks)
    with ThreadPoolExecutor(_THREADS) as pool:  # the C kernel releases the GIL
        return b"".join(pool.map(lambda t: _native.leaf_hashes(*t), tasks))


def parquet_leaves(
    data: bytes, layout: Sequence[tuple[str, str]], parallel_rows: int = PARALLEL_ROWS
) -> bytes | None:
    """Leaf hashes of every row of a Parquet file (its bytes) whose columns are ``layout`` ((name, type)
    in order; a bytes column at its end may be missing, null throughout), read by ``_parquet_pages``
    rather than polars: its row groups side by side, each read and hashed on one thread. None where
    that reader does not read the file (another layout or encoding, or damage): polars reads it."""
    try:
        found, groups = _parquet_pages.layout(data)
    except ValueError:
        return None
    if found != list(layout[: len(found)]) or any(
        name not in BYTES_COLUMNS for name, _ in layout[len(found) :]
    ):
        return None
    bytes_at = {k for k, (name, _) in enumerate(found) if name in BYTES_COLUMNS}

    def read(k: int) -> tuple[int, list[_native.Column]]:
        rows, columns, nulls = _parquet_pages.read_row_group(data, k)
        # a bytes column null in every row encodes nothing: not passed (as ``leaves`` does)
        return rows, [c for i, c in enumerate(columns) if not (i in bytes_at and nulls[i] == rows)]

    def hashed(k: int) -> bytes:
        rows, columns = read(k)
        return _native.leaf_hashes(columns, 0, rows)

    try:
        if groups == 1 and _THREADS > 1:  # one row group: read, then its rows split over the threads
            rows, columns = read(0)
            if rows >= parallel_rows:
                step = -(-rows // _THREADS)
                with ThreadPoolExecutor(_THREADS) as pool:
                    parts = pool.map(
                        lambda a: _native.leaf_hashes(columns, a, min(a + step, rows)), range(0, rows, step)
                    )
                    return b"".join(parts)
            return _native.leaf_hashes(columns, 0, rows)
        with ThreadPoolExecutor(_THREADS) as pool:
            return b"".join(pool.map(hashed, range(groups)))
    except ValueError:
        return None


def release_read_buffers() -> None:
    """Frees the buffers ``parquet_leaves`` keeps for the next file's row groups (up to 256 MB: a
    verification calls it when it ends)."""
    _parquet_pages.release()


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


def _is_binary(t: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t))


def _column_buffers(arr: pa.Array) -> _native.Column:
    """(kind, validity, offsets, data, offset) for the C kernel; see _native.c for the kinds."""
    import pyarrow as pa

    t, n = arr.type, len(arr)
    if pa.types.is_null(t):  # a column that is null throughout: an all-zero validity bitmap
        return (4, bytes(n // 8 + 1), None, bytes(n // 8 + 1), 0)
    validity, *rest = arr.buffers()
    if pa.types.is_string_view(t) or pa.types.is_binary_view(t):  # polars' own layout, not copied
        return (5 if pa.types.is_string_view(t) else 8, validity, rest[0], rest[1:], arr.offset)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        offsets, data = rest
        return (1 if pa.types.is_string(t) else 2, validity, offsets, data or b"", arr.offset)
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        offsets, data = rest
        return (6 if pa.types.is_binary(t) else 7, validity, offsets, data or b"", arr.offset)
    if pa.types.is_int64(t) or (pa.types.is_timestamp(t) and t.unit == "us"):
        return (3, validity, None, rest[0], arr.offset)
    if pa.types.is_boolean(t):
        return (4, validity, None, rest[0], arr.offset)
    raise TypeError(f"no canonical encoding for Arrow type {t}")
