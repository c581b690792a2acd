"""The C kernels (_native.c, _parquet_pages.c, _parse_native.c) on any input: arbitrary bytes, NULs, invalid UTF-8, lengths
past the buffers, empty input, syslog-like lines, and buffers another thread changes during a call.
They never crash and give what the pure-Python and polars references give, or refuse with ValueError
where the buffers do not hold what they claim. ``make fuzz`` runs this file against builds of the
kernels with AddressSanitizer and UBSan, where a read or write past a buffer fails the run."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import sys
import threading
from array import array

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lakthan.monitoring.engines import _native, _parquet_pages, eventhash
from lakthan.monitoring.pipeline import _parse_native, parsers
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA, conform
from lakthan.monitoring.pipeline.segment_layout import EVIDENCE_PARQUET
from lakthan.monitoring.pipeline.store import event_leaves

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- the lines of bytes (_parse_native.lines) ---------------------------------------------------------

_FRAGMENTS = [
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b" ",
    b"\t",
    b"\x1c",
    "\u3000".encode(),
    "\u00a0".encode(),
    "\u2028".encode(),
    b"\xe2\x80",  # a space cut short
    b"\xff",
    b"\xc0\x80",  # an overlong NUL
    b"\xed\xa0\x80",  # a surrogate
    "ผู้ใช้".encode(),
    b"<38>1 2013-03-05T02:00:00Z h sshd - - - ",
    b"<86>Mar  5 09:00:01 db01 sudo: ",
    b"Failed password for root from 10.0.0.1",
    b"x" * 40,
]
_bytes = st.binary(max_size=300) | st.lists(
    st.sampled_from(_FRAGMENTS) | st.binary(max_size=6), max_size=40
).map(b"".join)


def _blank(line: bytes) -> bool:
    """Blank to str.isspace; a byte sequence that is not UTF-8 is never a space to the kernel."""
    try:
        return line.decode().strip() == ""
    except UnicodeDecodeError:
        return False


def _reference_lines(data: bytes, offsets: list[int] | None = None) -> list[bytes]:
    """parsers' rules on bytes: the lines (split at "\\n", or given by offsets) without trailing "\\r"
    and "\\n", blank ones left out."""
    if offsets is None:
        lines = data.split(b"\n")
    else:
        lines = [data[a:b] for a, b in zip(offsets, offsets[1:], strict=False)]
    return [line.rstrip(b"\r\n") for line in lines if not _blank(line.rstrip(b"\r\n"))]


def _strings(data: bytes, views: bytes, window_bits: int, validity: bytes | None = None) -> list:
    """The kernel's string views read back as bytes, through Arrow, which checks every view lies in
    its buffer: buffer 0 the kernel's constants, then the windows of the data (parsers.Lines)."""
    window = 1 << window_bits
    buffers = [pa.py_buffer(_parse_native.constants())] + [
        pa.py_buffer(data[start : start + 2 * window]) for start in range(0, max(len(data), 1), window)
    ]
    validity_buffer = None if validity is None else pa.py_buffer(validity)
    array_ = pa.Array.from_buffers(
        pa.binary_view(), len(views) // 16, [validity_buffer, pa.py_buffer(views), *buffers]
    )
    array_.validate(full=True)
    return array_.to_pylist()


@FUZZ
@given(_bytes, st.integers(4, 9), st.integers(1, 4), st.integers(-1, 5))
@example(b"", 4, 1, -1)
@example(b"\n\r\n \n", 4, 2, -1)
@example(b"\xe2\x80\x00", 4, 1, -1)  # a space cut short by a NUL is no space
@example(b"x" * 16 + b"\n" + b"y" * 17, 4, 2, -1)
def test_lines_of_any_bytes_are_pythons_lines(data, window_bits, threads, limit):
    want = _reference_lines(data)
    if limit >= 0:
        want = want[:limit]
    if any(len(line) > 1 << window_bits for line in want):
        with pytest.raises(ValueError, match="a line of more than"):
            _parse_native.lines(data, None, window_bits, threads, limit)
        return
    views = _parse_native.lines(data, None, window_bits, threads, limit)
    assert _strings(data, views, window_bits) == want
    # a bytearray or a memoryview (at an odd start) that nothing changes reads the same
    assert _parse_native.lines(bytearray(data), None, window_bits, threads, limit) == views


@FUZZ
@given(st.lists(_bytes, max_size=40).map(b"".join), st.integers(0, 9000))
def test_newlines_are_counted_as_bytes_count_does(data, pad):
    """count_newlines sums a block of 4,096 bytes at a time: blocks cut anywhere, and a buffer
    another kind of object holds, give what bytes.count gives."""
    data = b"\n" * (pad % 7) + b"a" * pad + data
    assert _parse_native.count_newlines(data) == data.count(b"\n")
    assert _parse_native.count_newlines(memoryview(bytearray(data))[1:]) == data[1:].count(b"\n")


@FUZZ
@given(_bytes, st.lists(st.integers(-2, 40), max_size=12), st.integers(1, 3))
def test_lines_given_by_any_offsets(data, positions, threads):
    offsets = array("q", positions)
    valid = all(0 <= a <= b <= len(data) for a, b in zip(positions, positions[1:], strict=False))
    if not valid:
        with pytest.raises(ValueError, match="offsets outside the data"):
            _parse_native.lines(data, offsets, 30, threads)
        return
    views = _parse_native.lines(data, offsets, 30, threads)
    assert _strings(data, views, 30) == _reference_lines(data, positions)
    # offsets in a buffer that is not 8-byte aligned read the same
    unaligned = memoryview(b"\x00" + offsets.tobytes())[1:]
    assert _parse_native.lines(data, unaligned, 30, threads) == views


def test_refused_arguments():
    with pytest.raises(ValueError, match="window_bits"):
        _parse_native.lines(b"x", None, 3, 1)
    with pytest.raises(ValueError, match="window_bits"):
        _parse_native.parse_syslog(b"x", None, 31, 1, 2013)
    with pytest.raises(TypeError):
        _parse_native.lines("text", None, 30, 1)
    assert _parse_native.lines(b"x\ny", b"\x00" * 7, 30, 1) == b""  # fewer than two offsets: no line


@pytest.mark.parametrize("window_bits", [4, 5, 8])
def test_a_line_as_long_as_a_window_at_any_start_lies_in_one_window(window_bits):
    window = 1 << window_bits
    for start in range(2 * window + 1):
        data = b"\n" * start + b"b" * window + b"\n"  # blank lines before it
        views = _parse_native.lines(data, None, window_bits, 1)
        assert _strings(data, views, window_bits)[-1] == b"b" * window
        with pytest.raises(ValueError, match=f"more than {window} bytes"):
            _parse_native.lines(data + b"c" * (window + 1), None, window_bits, 1)


# ---- syslog lines (_parse_native.parse_syslog) -----------------------------------------------------------

_STRING_COLUMNS = ("raw", "host", "app", "pid", "fmt", "msg", "action", "user", "src_ip")


@FUZZ
@given(_bytes, st.integers(1, 3), st.sampled_from([2013, 0, 10_000]))
def test_syslog_columns_of_any_bytes_are_well_formed(data, threads, year):
    """Bytes that are not UTF-8 break the kernel's contract (parsers replaces them first) but not the
    kernel: every column holds one value per line, every view lies in its buffer."""
    columns = _parse_native.parse_syslog(data, None, 30, threads, year)
    lines = _reference_lines(data)
    n = len(lines)
    assert _strings(data, columns["raw"][1], 30) == lines
    for name in _STRING_COLUMNS[1:]:
        validity, views = columns[name]
        values = _strings(data, views, 30, validity)
        assert len(values) == n
        # every string found in a line is part of it, or one of the names the kernel writes
        for line, value in zip(lines, values, strict=True):
            assert value is None or value in line or value in _parse_native.constants()
    for name in ("ts", "severity", "seq"):
        validity, values = columns[name]
        assert len(values) == 8 * n and len(validity) == (n + 7) // 8
    for name in ("parsed", "handled", "local"):
        assert len(columns[name][1]) == (n + 7) // 8


def _agrees_with_polars(lines: list[str], year: int = 2013, tz: str = "Asia/Bangkok") -> None:
    """The kernel's rows where it handles a line are those of the polars expressions (the reference
    test_parsers uses), for the lines split at "\\n" and given by offsets."""
    data = "\n".join(lines).encode()
    encoded = [line.encode() for line in lines]
    offsets = array("q", [0])
    for line in encoded:
        offsets.append(offsets[-1] + len(line))
    for source in (parsers.Lines(data), parsers.Lines(b"".join(encoded), offsets)):
        rows = source.syslog(year, tz)
        by_kernel = conform(rows.drop("handled")).filter(rows["handled"])
        by_polars = parsers.complete_rows(
            parsers.syslog_by_polars(pl.DataFrame({"raw": source.raw()}), year, tz)
        )
        assert by_kernel.equals(by_polars.filter(rows["handled"]))
        assert parsers.syslog_by_kernel(source, year, tz).equals(by_polars)


_HEADERS = st.sampled_from(
    [
        "<38>1 2013-03-05T02:00:00Z ",
        "<0>1 2013-03-05T02:00:00.1+07:00 ",
        "<191>1 1970-01-01T00:00:00.123456789-23:59 ",
        "<38>1 9999-12-31T23:59:59Z ",
        "<38>1 2013-02-29T00:00:00Z ",
        "<38>1 2013-03-05T02:00:00",
        "<38>1 ",
        "<38>1",
        "<1000>1 ",
        "<38>Aug  1 00:00:00 ",
        "<38>Feb 29 12:00:00 ",
        "Aug 31 23:59:59 ",
        "Aug  1 00:00:0",
        "",
    ]
)
_PARTS = st.sampled_from(
    [
        "host01 ",
        "- ",
        "sshd ",
        "sshd[12]: ",
        "4242 ",
        "ID47 ",
        '[meta sequenceId="7"] ',
        '[meta sequenceId="99999999999999999999"] ',
        "[a\\]b] ",
        "[é] ",
        "Failed password for root from 10.0.0.1",
        "Invalid user x from ::1",
        "Accepted publickey for y from 1.2.3.4",
        "new user: name=eve, UID=1",
        "add 'eve' to group 'sudo'",
        "alice : COMMAND=/bin/ls",
        "\x00",
        "\ufffd",
        "\u3000",
        "\u00a0",
        "\t",
        "\r",
        " ",
        "ผู้ใช้",
    ]
)
_syslog_line = st.tuples(_HEADERS, st.lists(_PARTS | st.text(max_size=5), max_size=8)).map(
    lambda t: t[0] + "".join(t[1])
)


@FUZZ
@given(
    st.lists(
        _syslog_line | _bytes.map(lambda b: b.decode("utf-8", errors="replace")), min_size=1, max_size=12
    ),
    st.sampled_from([2013, 2012, 10_000]),
)
def test_syslog_like_lines_give_the_rows_of_the_polars_expressions(lines, year):
    _agrees_with_polars(lines, year)


def test_a_huge_line_is_parsed_as_polars_does():
    message = "x" * (1 << 20) + " Failed password for root from 10.0.0.1"
    _agrees_with_polars([f"<38>1 2013-03-05T02:00:00Z h sshd - - - {message}", "\x00" * 100_000])


# ---- event leaves (_native.leaf_hashes, merkle_root) --------------------------------------------------


def _encode(values: list[bytes | int | bool | None], raw_bytes: bytes | None = None) -> bytes:
    """eventhash's canonical encoding with strings given as bytes (which need not be UTF-8), then the
    bytes field (left out when None)."""
    out = bytearray(b"\x00")
    for v in values:
        if v is None:
            out.append(0)
        elif isinstance(v, bool):
            out += bytes((3, int(v)))
        elif isinstance(v, int):
            out += b"\x02" + v.to_bytes(8, "little", signed=True)
        else:
            out += b"\x01" + len(v).to_bytes(4, "little") + v
    if raw_bytes is not None:
        out += b"\x04" + len(raw_bytes).to_bytes(4, "little") + raw_bytes
    return bytes(out)


def test_the_bytes_encoding_is_eventhashs():
    values = ["ab", None, -2, True, "", "ไทย\x00"]
    encoded = [v.encode() if isinstance(v, str) else v for v in values]
    assert _encode(encoded) == eventhash.encode_event(values)
    for raw_bytes in (None, b"", b"\xff\x00"):
        assert _encode(encoded, raw_bytes) == eventhash.encode_event([*values, raw_bytes], bytes_last=True)


def _string_column(values: list[bytes | None], layout: str) -> pa.Array:
    """Strings that need not be UTF-8, as Arrow strings of the given layout (from binary buffers)."""
    binary = pa.array(values, pa.large_binary() if layout == "large" else pa.binary())
    if layout == "view":
        return pa.array(values, pa.binary_view()).view(pa.string_view())
    return binary.view(pa.large_string() if layout == "large" else pa.string())


def _bytes_column(values: list[bytes | None], layout: str) -> pa.Array:
    types = {"small": pa.binary(), "large": pa.large_binary(), "view": pa.binary_view()}
    return pa.array(values, types[layout])


_text_bytes = st.none() | _bytes | st.sampled_from([b"", b"x" * 12, b"y" * 13, b"\x00" * 13, b"z" * 100_000])


@FUZZ
@given(
    st.lists(
        st.tuples(
            _text_bytes,
            st.none() | st.integers(-(2**63), 2**63 - 1),
            st.none() | st.booleans(),
            _text_bytes,
        ),
        max_size=40,
    ),
    st.sampled_from(["small", "large", "view"]),
    st.integers(0, 3),
)
def test_leaves_of_any_strings_and_bytes_are_the_reference_encodings(rows, layout, cut):
    table = pa.table(
        {
            "s": _string_column([r[0] for r in rows], layout),
            "i": pa.array([r[1] for r in rows], pa.int64()),
            "b": pa.array([r[2] for r in rows], pa.bool_()),
            "raw_bytes": _bytes_column([r[3] for r in rows], layout),
        }
    )
    want = b"".join(hashlib.sha256(_encode(list(r[:3]), r[3])).digest() for r in rows)
    assert eventhash.leaves(table) == want
    assert eventhash.leaves(table.slice(cut)) == want[32 * cut :]


def _reference_string(kind: int, offsets: bytes, data, i: int) -> bytes | None:
    kind = {6: 1, 7: 2, 8: 5, 10: 9}.get(kind, kind)  # bytes are laid out as strings
    if kind == 9:  # Parquet's PLAIN: the position of a 4-byte length, the bytes after it
        at = int.from_bytes(offsets[8 * i : 8 * i + 8], "little", signed=True)
        n = int.from_bytes(data[at : at + 4], "little") if 0 <= at <= len(data) - 4 else -1
        return bytes(data[at + 4 : at + 4 + n]) if 0 <= n <= len(data) - at - 4 else None
    if kind == 5:
        view = offsets[16 * i : 16 * i + 16]
        n = int.from_bytes(view[:4], "little", signed=True)
        if n <= 12:
            return view[4 : 4 + n] if n >= 0 else None
        index, off = (int.from_bytes(view[k : k + 4], "little", signed=True) for k in (8, 12))
        if index < 0 or index >= len(data) or off < 0 or off + n > len(data[index]):
            return None
        return bytes(data[index][off : off + n])
    width = 4 if kind == 1 else 8
    start, end = (
        int.from_bytes(offsets[width * k : width * k + width], "little", signed=True) for k in (i, i + 1)
    )
    return bytes(data[start:end]) if 0 <= start <= end <= len(data) else None


def _reference_leaves(columns: list[tuple], start: int, stop: int) -> bytes | None:
    """leaf_hashes of raw buffers, read in Python: None where the kernel must refuse them. Kinds 6, 7,
    8 and 10 are bytes laid out as 1, 2, 5 and 9, a null left out."""
    if start < 0 or stop < start or any(c[0] not in range(1, 11) or c[4] < 0 for c in columns):
        return None
    encodings = [bytearray(b"\x00") for _ in range(start, stop)]
    for kind, validity, offsets, data, offset in columns:
        last = offset + stop
        if validity is not None and len(validity) * 8 < last:
            return None
        if kind in (1, 2, 5, 6, 7, 8, 9, 10):
            layout = {6: 1, 7: 2, 8: 5, 10: 9}.get(kind, kind)
            need = {5: 16 * last, 9: 8 * last}.get(layout, (last + 1) * (4 if layout == 1 else 8))
            if offsets is None or len(offsets) < need or data is None:
                return None
        elif data is None or (len(data) < 8 * last if kind == 3 else len(data) * 8 < last):
            return None
        for r in range(start, stop):
            i, out = offset + r, encodings[r - start]
            if validity is not None and not validity[i >> 3] >> (i & 7) & 1:
                if kind < 6 or kind == 9:
                    out.append(0)
            elif kind == 3:
                out += b"\x02" + bytes(data[8 * i : 8 * i + 8])
            elif kind == 4:
                out += bytes((3, data[i >> 3] >> (i & 7) & 1))
            else:
                s = _reference_string(kind, bytes(offsets), data, i)
                if s is None:
                    return None
                out += (b"\x04" if kind in (6, 7, 8, 10) else b"\x01") + len(s).to_bytes(4, "little") + s
    return b"".join(hashlib.sha256(e).digest() for e in encodings)


def _as_buffer(draw, data: bytes):
    """bytes, a bytearray, or a memoryview starting at an odd address (no alignment is promised)."""
    how = draw(st.sampled_from(["bytes", "bytearray", "unaligned"]))
    if how == "bytearray":
        return bytearray(data)
    return memoryview(b"\x01" + data)[1:] if how == "unaligned" else data


@st.composite
def _raw_column(draw) -> tuple:
    """(kind, validity, offsets, data, offset) as the kernel takes them, mostly near a valid layout."""
    kind = draw(st.integers(1, 10) | st.sampled_from([0, 11, -1]))
    rows = draw(st.integers(0, 6))
    validity = draw(st.none() | st.binary(max_size=2))
    data = draw(st.binary(max_size=40))
    if kind in (1, 2, 6, 7, 9, 10):
        positions = draw(st.lists(st.integers(-1, 45), min_size=0, max_size=rows + 2))
        fmt = "i" if kind in (1, 6) else "q"
        offsets = draw(st.just(array(fmt, positions).tobytes()) | st.binary(max_size=40))
    elif kind in (5, 8):
        buffers = draw(st.lists(st.binary(max_size=30), max_size=2))
        views = b""
        for _ in range(rows):
            n = draw(st.integers(-1, 20) | st.sampled_from([2**31 - 1, -(2**31)]))
            head = draw(st.binary(min_size=8, max_size=8))
            index, off = draw(st.integers(-1, 2)), draw(st.integers(-1, 30))
            views += n.to_bytes(4, "little", signed=True) + head[:4]
            views += index.to_bytes(4, "little", signed=True) + off.to_bytes(4, "little", signed=True)
            if n <= 12:  # inline: the string itself in the twelve bytes after the length
                views = views[:-12] + (head + head)[:12]
        offsets, data = views, [_as_buffer(draw, b) for b in buffers]
    else:
        offsets = draw(st.none() | st.binary(max_size=8))
    if kind not in (5, 8):
        data = draw(st.none() | st.just(_as_buffer(draw, data)))
    offset = draw(st.integers(0, 3) | st.sampled_from([-1, 2**62]))
    return kind, validity, None if offsets is None else _as_buffer(draw, offsets), data, offset


@FUZZ
@given(st.lists(_raw_column(), max_size=3), st.integers(0, 4), st.integers(0, 6))
def test_leaf_hashes_of_any_buffers_are_the_reference_or_refused(columns, start, stop):
    want = _reference_leaves(columns, start, stop)
    if want is None:
        with pytest.raises(ValueError):
            _native.leaf_hashes(columns, start, stop)
    else:
        assert _native.leaf_hashes(columns, start, stop) == want


def test_rows_past_any_buffer_are_refused():
    column = (3, None, None, b"\x00" * 16, 0)
    for start, stop in [(-1, 1), (2, 1), (0, 2**62), (0, 2**63 - 1)]:
        with pytest.raises(ValueError, match="bad row range"):
            _native.leaf_hashes([column], start, stop)
    for offset in (-1, 2**62, 2**63 - 1):
        with pytest.raises(ValueError, match="bad offset"):
            _native.leaf_hashes([(3, None, None, b"\x00" * 16, offset)], 0, 1)
    with pytest.raises(ValueError, match="buffers do not hold"):
        _native.leaf_hashes([(1, None, array("i", [0, 2**31 - 1]).tobytes(), b"x", 0)], 0, 1)
    with pytest.raises(ValueError, match="buffers do not hold"):
        _native.leaf_hashes([(2, None, array("q", [2**62, 2**63 - 1]).tobytes(), b"x", 0)], 0, 1)
    assert _native.leaf_hashes([], 3, 3) == b""


@FUZZ
@given(_bytes)
def test_merkle_roots_of_any_bytes(data):
    if len(data) % 32:
        with pytest.raises(ValueError, match="multiple of 32"):
            _native.merkle_root(data)
        return
    leaves = eventhash.split(data)
    assert _native.merkle_root(data) == _tree_hash(leaves)
    assert _native.merkle_root(bytearray(data)) == _native.merkle_root(memoryview(b"\x01" + data)[1:])


def _tree_hash(leaves: list[bytes]) -> bytes:
    """RFC 6962's MTH as the RFC writes it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _tree_hash(leaves[:k]) + _tree_hash(leaves[k:])).digest()


# ---- our reader of the store's Parquet files (_parquet_pages, eventhash.parquet_leaves) ---------------


def _segment(compression: str, **options) -> bytes:
    """A small segment file as the store writes one: a dictionary-encoded host, plain lines, nulls,
    a line kept as bytes."""
    df = pl.DataFrame(
        {
            "ts": pl.Series([1_700_000_000_000_000 + 7 * i if i % 11 else None for i in range(300)]).cast(
                SCHEMA["ts"]
            ),
            "host": [f"h{i % 5}" if i % 13 else None for i in range(300)],
            "source": ["udp:10.0.0.1"] * 300,
            "parser": ["syslog" if i % 17 else None for i in range(300)],
            "raw": [f"<38>Mar  1 09:00:{i % 60:02d} h{i % 5} sshd: ข้อ {'x' * (i % 40)}" for i in range(300)],
            "raw_bytes": [b"\xff" * (i % 3) if i % 50 == 0 else None for i in range(300)],
        },
        schema={c: SCHEMA[c] for c in EVIDENCE},
    )
    buf = io.BytesIO()
    df.write_parquet(buf, compression=compression, row_group_size=120, data_page_size=512, **options)
    return buf.getvalue()


_SEGMENTS = [_segment("lz4"), _segment("zstd"), _segment("uncompressed")]


def _read_every_way(data: bytes) -> bytes | None:
    """The reader's every entry point on data: only ValueError may come out of them."""
    with contextlib.suppress(ValueError):
        _parquet_pages.layout(data)
    for k in range(4):
        with contextlib.suppress(ValueError):
            rows, columns = _parquet_pages.read_row_group(data, k)
            assert all(c[0] in (3, 9, 10) for c in columns)
    got = eventhash.parquet_leaves(data, EVIDENCE_PARQUET)
    assert got is None or len(got) % 32 == 0
    return got


@FUZZ
@given(
    st.sampled_from(range(len(_SEGMENTS))),
    st.lists(st.tuples(st.integers(0, 2**20), st.integers(0, 255)), min_size=1, max_size=6),
    st.none() | st.integers(0, 2**20),
)
def test_a_damaged_segment_file_is_read_or_refused_never_past_its_bytes(which, edits, cut):
    data = bytearray(_SEGMENTS[which])
    for at, value in edits:
        data[at % len(data)] = value
    if cut is not None:
        del data[cut % len(data) :]
    _read_every_way(bytes(data))


@FUZZ
@given(st.sampled_from(range(len(_SEGMENTS))), st.integers(0, 2**20), st.binary(min_size=1, max_size=40))
def test_bytes_spliced_into_a_segment_file_are_read_or_refused(which, at, inserted):
    data = _SEGMENTS[which]
    at %= len(data)
    _read_every_way(data[:at] + inserted + data[at:])


def _parquet(footer: bytes, body: bytes = b"") -> bytes:
    return b"PAR1" + body + footer + len(footer).to_bytes(4, "little") + b"PAR1"


@pytest.mark.parametrize(
    "footer",
    [
        b"\x1c" * 5000,  # structs nested past any depth
        b"\x19\xfc" + b"\xff" * 9 + b"\x01",  # a list of 2^63 booleans
        b"\x1b" + b"\xff" * 10,  # a map whose size never ends
        b"\x18\xff\xff\xff\xff\x0f",  # a string of 4 GB
        b"\x19\x2c" + b"\x15\x0c\x00" * 2,  # a schema with nothing in it
        b"",
    ],
)
def test_a_hostile_footer_is_refused(footer):
    with pytest.raises(ValueError, match="not read here"):
        _parquet_pages.layout(_parquet(footer))
    assert eventhash.parquet_leaves(_parquet(footer), EVIDENCE_PARQUET) is None


def test_every_intact_segment_reads_as_polars_reads_it():
    for data in _SEGMENTS:
        assert _parquet_pages.layout(data)[1] == 3
        assert _read_every_way(data) == event_leaves(pl.read_parquet(io.BytesIO(data)))


# ---- buffers that change during a call ----------------------------------------------------------------
#
# Both kernels read a caller's buffers in two passes (measure or count, then fill) and a bytearray or a
# memoryview can change in between. The second pass must stop at what the first found.


class _ChangeAtEveryCollection:
    """Calls change() at the start of every garbage collection while armed. With the threshold at 2 a
    collection starts at every third new container, and in Python 3.11 it runs at once, inside the C
    call that allocates: parse_syslog makes a dict and twelve tuples of columns between its two passes,
    so change() runs there, while the kernel holds the buffers. Those would come from CPython's free
    lists (no collection) unless the lists are empty: the tuples and dicts kept here empty them. The
    count of new containers starts at 0, so the call itself (its tuple of arguments) starts none before
    the kernel has read its arguments."""

    def __init__(self, change):
        self.change = change
        self.calls = 0

    def __enter__(self):
        self.threshold = gc.get_threshold()
        self.kept = [(None, i) for i in range(5000)], [{} for _ in range(500)]
        gc.collect(0)
        gc.callbacks.append(self)
        gc.set_threshold(2)
        return self

    def __exit__(self, *exc):
        gc.set_threshold(*self.threshold)
        gc.callbacks.remove(self)
        del self.kept

    def __call__(self, phase, info):
        if phase == "start":
            self.calls += 1
            self.change(self.calls)


collector_runs_inside_c_calls = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="from Python 3.12 a collection waits for the next bytecode"
)


@collector_runs_inside_c_calls
@pytest.mark.parametrize("threads", [1, 2])
def test_lines_added_between_the_passes_are_not_written(threads):
    line = b"<38>1 2013-03-05T02:00:00Z h sshd - - - Failed password for root from 10.0.0.1"
    data = bytearray(line * 200)  # one line until the collections cut it at every line's start

    def cut(calls):
        for k in range(calls):
            data[k * len(line)] = ord("\n")

    with pytest.raises(ValueError, match="the data changed"), _ChangeAtEveryCollection(cut):
        _parse_native.parse_syslog(data, None, 30, threads, 2013)


@collector_runs_inside_c_calls
def test_offsets_changed_between_the_passes_are_not_read():
    data = b"first line\nsecond line\n"
    offsets = array("q", [0, 11, 23])
    want = _parse_native.parse_syslog(data, offsets, 30, 1, 2013)

    def point_past_the_data(calls):
        offsets[1], offsets[2] = 2**40, 2**41

    view = memoryview(offsets)
    with _ChangeAtEveryCollection(point_past_the_data):
        got = _parse_native.parse_syslog(data, view, 30, 1, 2013)
    assert offsets[2] == 2**41
    assert got == want  # the kernel reads its own copy of the offsets it checked


def test_leaf_hashes_never_go_past_a_buffer_another_thread_changes():
    """leaf_hashes runs both passes without the GIL, so no Python code can run between them; another
    thread writes to the offsets while it runs. A row measured short in the first pass and long in the
    second would be written past the encoding buffer without the second pass's bound (make fuzz sees
    that as a heap-buffer-overflow). Each call gives the leaves of what it read or refuses."""
    n = 1500
    starts = [k * (k - 1) // 2 for k in range(n + 1)]  # row i is i bytes long
    data = bytes(range(256)) * (starts[-1] // 256 + 1)
    long_rows, empty_rows = array("i", starts).tobytes(), bytes(4 * (n + 1))
    offsets = bytearray(empty_rows)
    leaf = [hashlib.sha256(_encode([data[:0]])).digest()]  # every row empty
    # a row reads the empty layout, the long one, or its start from the first and its end from the other
    allowed = [
        {leaf[0], _leaf(data[starts[i] : starts[i + 1]]), _leaf(data[: starts[i + 1]])} for i in range(n)
    ]
    done = threading.Event()

    def flip():
        while not done.is_set():
            offsets[:] = long_rows
            offsets[:] = empty_rows

    flipper = threading.Thread(target=flip)
    flipper.start()
    try:
        for _ in range(30):
            try:
                leaves = _native.leaf_hashes([(1, None, offsets, data, 0)], 0, n)
            except ValueError as e:
                assert "changed while their rows were hashed" in str(e) or "do not hold" in str(e)
                continue
            assert all(leaves[32 * i : 32 * i + 32] in allowed[i] for i in range(n))
    finally:
        done.set()
        flipper.join()
    offsets[:] = long_rows
    assert _native.leaf_hashes([(1, None, offsets, data, 0)], 0, n) == b"".join(
        _leaf(data[starts[i] : starts[i + 1]]) for i in range(n)
    )


def _leaf(s: bytes) -> bytes:
    return hashlib.sha256(_encode([s])).digest()
