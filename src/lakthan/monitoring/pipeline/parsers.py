"""Parsers: syslog (RFC 3164 and RFC 5424), auth.log/sshd, nginx/Apache access and error logs, JSON lines.

Vectorised over a batch of lines. A line that does not parse is kept raw (``parsed = false``,
``msg = raw``, its time taken from the line before it) and counted, never dropped. A line that is not
UTF-8 is read with U+FFFD in place of what is not (Python's errors="replace"), and its bytes as
received are kept beside it (``raw_bytes``). No Django here.

The polars expressions below are the specification. A C kernel (``_parse_native.c``) splits the
lines and parses the RFC 5424 and RFC 3164 lines in one pass, string columns being views into the
input's bytes; every line it declines goes through the polars expressions, and the tests check both
agree.
"""

from __future__ import annotations

import itertools
import json
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pyarrow as pa
from polars.expr.whenthen import ChainedThen, Then

from lakthan.monitoring.pipeline import _parse_native
from lakthan.monitoring.pipeline.schema import conform, empty, evidence

KERNEL_FILE = _parse_native.__file__  # the compiled kernel (what it matches depends on it too)
FORMATS = ("auto", "syslog", "auth", "nginx", "apache", "jsonl")
PARSERS = ("syslog", "nginx", "apache", "jsonl")  # the formats once "auto" is decided and "auth" is "syslog"

RE_3164 = (
    r"^(?:<(?P<pri>\d{1,3})>)?(?P<ts>[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d) (?P<host>\S+) "
    r"(?P<app>[^:\[\s]+)(?:\[(?P<pid>\d+)\])?: ?(?P<msg>.*)$"
)
RE_5424 = (
    r"^<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<pid>\S+) (?P<msgid>\S+) "
    r"(?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?P<msg>.*)$"
)
RE_5424_SD = r"^(?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?P<msg>(?s:.*))$"
# a line starting so is never RFC 3164; one starting otherwise is never RFC 5424
RE_5424_START = r"^<\d{1,3}>1"
RE_ACCESS = (
    r"^(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<ts>[^\]]+)\] \"(?P<method>[A-Z]+) (?P<uri>\S+)[^\"]*\" "
    r"(?P<status>\d{3}) \S+(?: \"(?P<ref>[^\"]*)\" \"(?P<ua>[^\"]*)\")?"
)
RE_NGINX_ERROR = r"^(?P<ts>\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(?P<level>\w+)\] (?P<pid>\d+)#\d+: (?P<msg>.*)$"
RE_APACHE_ERROR = (
    r"^\[(?P<ts>\w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] \[(?P<level>[^\]]*)\] "
    r"(?:\[pid (?P<pid>\d+)[^\]]*\] )?(?:\[client (?P<ip>[^\]]+?)(?::\d+)?\] )?(?P<msg>.*)$"
)

SEVERITY_OF_LEVEL = {
    "emerg": 0,
    "alert": 1,
    "crit": 2,
    "error": 3,
    "warn": 4,
    "notice": 5,
    "info": 6,
    "debug": 7,
}


@dataclass(frozen=True)
class Tuning:
    """How the native kernel is driven; the events come out the same whatever the values (a test checks).

    Arrow string views hold 32-bit offsets, so the kernel's views point into overlapping windows of the
    data, 2 ** (window_bits + 1) bytes long and 2 ** window_bits apart; a line may be that long. A
    thread is added per ``bytes_per_thread`` of data, up to polars' pool size."""

    window_bits: int = 30
    bytes_per_thread: int = 1 << 22


TUNING = Tuning()


@dataclass
class Parsed:
    events: pl.DataFrame
    unparsed: int
    out_of_window: int = 0  # events whose given time was outside TIME_WINDOW, kept at the receive time


# An event's working time must lie in this window around its receive time (``now``): a sender's
# clock far in the future (9999-12-31) or before any real log would otherwise break every day-based
# count and page. The line keeps the time as the sender gave it; the event is timed at its receipt.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
RECEIVED_FROM = ("tcp:", "relp:", "http:", "udp:")  # a receiver's source: "tcp:ADDR"
FUTURE_SKEW = timedelta(days=1)


def sniff(lines: list[str]) -> str:
    """Guess a file's format from its first lines."""
    sample = [line for line in lines[:50] if line.strip()]
    if not sample:
        return "syslog"
    s = pl.Series(sample)
    scores = {
        "jsonl": s.str.starts_with("{").sum(),
        "syslog": (s.str.contains(RE_3164) | s.str.contains(RE_5424)).sum(),
        "nginx": (s.str.contains(RE_ACCESS) | s.str.contains(RE_NGINX_ERROR)).sum(),
        "apache": s.str.contains(RE_APACHE_ERROR).sum(),
    }
    return max(scores, key=lambda k: scores[k])


def parse(
    lines: Sequence[str | bytes],
    fmt: str = "auto",
    *,
    host: str | None = None,
    source: str = "",
    year: int | None = None,
    tz: str = "Asia/Bangkok",
    now: datetime | None = None,
    tuning: Tuning = TUNING,
) -> Parsed:
    """Parses lines, text or the bytes received (trailing "\r" and "\n" removed, blank lines left out)."""
    encoded: Sequence[bytes] | None = None
    try:
        data = "\n".join(lines).encode()  # type: ignore[arg-type]
    except TypeError:  # bytes among them
        encoded = [line.encode() if isinstance(line, str) else line for line in lines]
        data = b"\n".join(encoded)
    offsets = None  # the lines are data split at "\n"
    if data.count(b"\n") != len(lines) - 1:  # some line holds a "\n" of its own
        encoded = encoded or [line.encode() if isinstance(line, str) else line for line in lines]
        data = b"".join(encoded)
        offsets = array("q", [0, *itertools.accumulate(map(len, encoded))])
    return _parse_received(data, offsets, tuning, fmt, host=host, source=source, year=year, tz=tz, now=now)


def parse_bytes(
    data: bytes,
    fmt: str = "auto",
    *,
    host: str | None = None,
    source: str = "",
    year: int | None = None,
    tz: str = "Asia/Bangkok",
    now: datetime | None = None,
    tuning: Tuning = TUNING,
) -> Parsed:
    """Parses the lines of a file's bytes: the same events as ``parse(data.split(b"\n"), ...)``, without
    a Python string per line. The events' strings are views into ``data`` (kept alive by them)."""
    data = bytes(data)  # a bytearray or memoryview is copied: the events must not change with it
    return _parse_received(data, None, tuning, fmt, host=host, source=source, year=year, tz=tz, now=now)


def _parse_received(data: bytes, offsets: array | None, tuning: Tuning, fmt: str, **options: Any) -> Parsed:
    """The lines of data as received; where it is not UTF-8, read from a copy in which what is not is
    U+FFFD, the lines as received kept beside (only those of the lines that are not UTF-8)."""
    if data.isascii() or _parse_native.valid_utf8(data):
        return _parse(Lines(data, offsets, tuning), fmt, **options)
    replaced, replaced_offsets = _replaced(data, offsets)
    return _parse(
        Lines(replaced, replaced_offsets, tuning), fmt, received=Lines(data, offsets, tuning), **options
    )


def _replaced(data: bytes, offsets: array | None) -> tuple[bytes, array | None]:
    """``data`` with each sequence that is not UTF-8 replaced by U+FFFD, and its lines' offsets. Split at
    "\n", the whole is decoded at once ("\n" ends any sequence, so each line reads as it would alone);
    lines given by offsets are decoded one by one, since one's cut sequence would join the next's bytes."""
    if offsets is None:
        return data.decode("utf-8", errors="replace").encode(), None
    lines = [data[a:b].decode("utf-8", errors="replace").encode() for a, b in itertools.pairwise(offsets)]
    return b"".join(lines), array("q", [0, *itertools.accumulate(map(len, lines))])


def _parse(
    lines: Lines,
    fmt: str,
    *,
    host: str | None,
    source: str,
    year: int | None,
    tz: str,
    now: datetime | None,
    received: Lines | None = None,
) -> Parsed:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    now = now or datetime.now(UTC)
    if fmt == "auto":
        fmt = sniff(lines.raw(limit=50).to_list())
    parser = "syslog" if fmt == "auth" else fmt
    df = _read(lines, parser, year or now.year, tz)
    if received is not None:
        df = df.with_columns(_not_utf8(received, df["raw"]))
    df = df.with_columns(
        pl.col("host").fill_null(pl.lit(host)),
        pl.lit(source or None, dtype=pl.Utf8).alias("source"),
        pl.lit(parser, dtype=pl.Utf8).alias("parser"),
    )
    latest, at = now + FUTURE_SKEW, pl.lit(now).cast(pl.Datetime("us", "UTC"))
    outside = (pl.col("ts") > pl.lit(latest).cast(pl.Datetime("us", "UTC"))) | (
        pl.col("ts") < pl.lit(EARLIEST).cast(pl.Datetime("us", "UTC"))
    )
    clamped = int(df.select(outside.fill_null(False).sum()).item())
    sender = source.split(":", 1)[1] if source.startswith(RECEIVED_FROM) else None
    df = df.with_columns(
        # out of the window, or no header read (so no time): the time the line was received
        pl.when(outside).then(at).otherwise(pl.col("ts")).fill_null(at).alias("ts"),
        # no header read (so no host): the sender's address when a receiver took it
        pl.col("host").fill_null(pl.lit(sender, dtype=pl.Utf8)),
    )
    return Parsed(df, int((~df["parsed"]).sum()), clamped)


def _not_utf8(received: Lines, raw: pl.Series) -> pl.Series:
    """``raw_bytes``: each line as received where it is not its ``raw`` (it was not UTF-8), else null.
    The kernel splits the bytes received into the same lines as their replaced copy: "\n" and "\r" are
    never part of a sequence replaced, and a line that is not UTF-8 is never blank (its replacement
    character is no space, and the kernel takes only a valid sequence for a space)."""
    as_received = received.binary()
    if len(as_received) != len(raw):
        raise ValueError(f"{len(as_received)} lines received were read as {len(raw)}")
    return pl.select(
        pl.when(raw.cast(pl.Binary) != as_received).then(as_received).alias("raw_bytes")
    ).to_series()


def _read(lines: Lines, parser: str, year: int, tz: str) -> pl.DataFrame:
    """What one parser reads out of each line: a row per line, in order."""
    if parser == "jsonl":
        df = complete_rows(_jsonl(lines.raw().to_list()))
    elif parser == "syslog":
        df = syslog_by_kernel(lines, year, tz)
    else:
        df = complete_rows(_web(pl.DataFrame({"raw": lines.raw()}), parser, tz))
    return conform(df)


def derive(stored: pl.DataFrame, tz: str = "Asia/Bangkok") -> pl.DataFrame:
    """Events from their stored columns (``schema.EVIDENCE``): every other column read out of ``raw``
    again by the parser that read it first, the stored columns kept as stored. An RFC 3164 line has no
    year of its own, so each line is read in the year of its stored time."""
    if stored.height == 0:
        return empty()
    unknown = set(stored["parser"].unique().to_list()) - set(PARSERS)
    if unknown:
        raise ValueError(f"events of an unknown parser {sorted(unknown, key=str)[0]!r}")
    year = pl.col("ts").dt.convert_time_zone(tz).dt.year().fill_null(1970)
    # only the syslog parser reads a year into its lines
    year = pl.when(pl.col("parser") == "syslog").then(year).otherwise(1970).alias("_year")
    stored = stored.with_columns(year)
    if stored.select("parser", "_year").n_unique() == 1:
        return _derive_group(stored, tz)
    stored = stored.with_row_index("_row")
    groups = [_derive_group(g, tz).with_columns(g["_row"]) for _, g in stored.group_by("parser", "_year")]
    return pl.concat(groups).sort("_row").drop("_row")


def _derive_group(stored: pl.DataFrame, tz: str) -> pl.DataFrame:
    raw = stored["raw"].to_arrow().cast(pa.large_string())
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    _, offsets, data = raw.buffers()
    offsets = offsets.slice(raw.offset * 8, (len(raw) + 1) * 8)
    df = _read(Lines(data or pa.py_buffer(b""), offsets), stored["parser"][0], stored["_year"][0], tz)
    if df.height != stored.height or raw.null_count:
        raise ValueError(
            f"a stored line is blank or missing ({stored.height} events read again as {df.height})"
        )
    return df.with_columns(evidence(stored))


class Lines:
    """The lines of ``data`` (split at "\n", or from ``offsets[i]`` to ``offsets[i + 1]``) for the
    kernel, and the Arrow buffers that the string views it makes point into."""

    def __init__(self, data: bytes, offsets: array | None = None, tuning: Tuning = TUNING):
        self.data = data
        self.offsets = offsets
        self.window_bits = tuning.window_bits
        self.threads = max(1, min(pl.thread_pool_size(), len(data) // tuning.bytes_per_thread))
        window = 1 << self.window_bits
        view = memoryview(data)
        self.buffers = [pa.py_buffer(_parse_native.constants())] + [
            pa.py_buffer(view[start : start + 2 * window]) for start in range(0, max(len(data), 1), window)
        ]

    def raw(self, limit: int = -1) -> pl.Series:
        return self.strings(
            _parse_native.lines(self.data, self.offsets, self.window_bits, self.threads, limit)
        )

    def binary(self) -> pl.Series:
        """The lines as bytes, which need not be UTF-8 (views into the data, as ``raw``'s)."""
        views = _parse_native.lines(self.data, self.offsets, self.window_bits, self.threads)
        return self.strings(views, dtype=pa.binary_view())

    def syslog(self, year: int, tz: str) -> pl.DataFrame:
        """The kernel's columns; ``handled`` is false where it left the line to the polars expressions.
        RFC 3164 lines are of ``year`` and in the zone ``tz``."""
        year = year if 0 < year < 10_000 else 0  # 0: the kernel declines every RFC 3164 line
        columns = _parse_native.parse_syslog(self.data, self.offsets, self.window_bits, self.threads, year)
        count = len(columns["raw"][1]) // 16
        dtypes = {"ts": pa.timestamp("us", tz="UTC"), "severity": pa.int64(), "seq": pa.int64()}
        dtypes |= {"parsed": pa.bool_(), "handled": pa.bool_(), "local": pa.bool_()}
        df = pl.DataFrame(
            [
                (
                    _series(
                        pa.Array.from_buffers(dtypes[name], count, [_buffer(validity), pa.py_buffer(values)])
                    )
                    if name in dtypes
                    else self.strings(values, validity)
                ).alias(name)
                for name, (validity, values) in columns.items()
            ]
        )
        return _in_zone(df, tz).drop("local")

    def strings(
        self, views: bytes, validity: bytes | None = None, dtype: pa.DataType | None = None
    ) -> pl.Series:
        buffers = [_buffer(validity), pa.py_buffer(views), *self.buffers]
        return _series(pa.Array.from_buffers(dtype or pa.string_view(), len(views) // 16, buffers))


def _series(array: pa.Array) -> pl.Series:
    """An Arrow array as a polars Series (pl.from_arrow also takes tables, hence the check)."""
    series = pl.from_arrow(array)
    if not isinstance(series, pl.Series):
        raise TypeError(f"an Arrow array became {type(series).__name__}")
    return series


def _buffer(data: bytes | None) -> pa.Buffer | None:
    return None if data is None else pa.py_buffer(data)


def _in_zone(df: pl.DataFrame, tz: str) -> pl.DataFrame:
    """The kernel's times of RFC 3164 lines (``local``: wall-clock times, read as if UTC) put in the
    zone ``tz`` as syslog_by_polars does; a line whose time does not exist there is left to the polars
    expressions."""
    if not df["local"].any():
        return df
    local, ts = pl.col("local"), pl.col("ts")
    wall_clock = pl.when(local).then(ts).dt.replace_time_zone(None)
    # once per run of equal times (lines of one second mostly come together): a tenth of the time
    in_zone = (
        wall_clock.rle()
        .struct.field("value")
        .dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .gather(wall_clock.rle_id())
    )
    df = df.with_columns(pl.when(local).then(in_zone).otherwise(ts).alias("ts"))
    return df.with_columns(pl.col("handled") & ~(local & pl.col("ts").is_null()))


def syslog_by_kernel(lines: Lines, year: int, tz: str) -> pl.DataFrame:
    """RFC 5424 and RFC 3164 lines parsed by the kernel; the lines it declines by the polars expressions,
    put in their places (a scatter of the few rows: sorting a chunk back into order cost more than
    parsing it)."""
    df = lines.syslog(year, tz)
    declined = ~df["handled"]
    out = conform(df)
    if not declined.any():
        return out
    rows = declined.arg_true()
    by_polars = complete_rows(syslog_by_polars(df.filter(declined).select("raw"), year, tz))
    # a scatter copies the whole column: only the columns whose values at those rows change
    changed = [c for c in out.columns if not out[c].gather(rows).equals(by_polars[c], null_equal=True)]
    return out.with_columns(out[c].clone().scatter(rows, by_polars[c]) for c in changed)


def complete_rows(df: pl.DataFrame) -> pl.DataFrame:
    """An unparsed line keeps its raw text as message and is of format "raw"; actions from the message."""
    df = conform(df).with_columns(pl.col("parsed").fill_null(False), pl.col("msg").fill_null(pl.col("raw")))
    df = df.with_columns(pl.when(pl.col("parsed")).then(pl.col("fmt")).otherwise(pl.lit("raw")).alias("fmt"))
    return _enrich(df)


def syslog_by_polars(df: pl.DataFrame, year: int, tz: str) -> pl.DataFrame:
    """The fields of RFC 5424 or RFC 3164 lines (the kernel's parse_5424 and parse_3164 follow this)."""
    raw = pl.col("raw")
    # each line is split as RFC 5424 or matched as RFC 3164, never both (a struct column each, made
    # once: polars does not always see that the fields taken from one expression share it)
    df = df.with_columns(
        _5424=pl.when(raw.str.contains(RE_5424_START + " ")).then(raw).str.splitn(" ", 7),
        _3164=pl.when(~raw.str.contains(RE_5424_START)).then(raw).str.extract_groups(RE_3164),
    )
    df = df.with_columns(
        **{f"_b_{name}": expr for name, expr in _split_5424(pl.col("_5424")).items()},
        **{
            f"_a_{name}": pl.col("_3164").struct.field(name)
            for name in ("pri", "ts", "host", "app", "pid", "msg")
        },
    )

    def a(name: str) -> pl.Expr:  # RFC 3164
        return pl.col(f"_a_{name}")

    def b(name: str) -> pl.Expr:  # RFC 5424
        return pl.col(f"_b_{name}")

    ts_a = (
        pl.concat_str(pl.lit(f"{year} "), a("ts").str.replace_all(" +", " "))
        .str.to_datetime("%Y %b %d %H:%M:%S", strict=False)
        .dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
    )
    ts_b = (
        b("ts")
        .str.replace(r"Z$", "+00:00")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_zone="UTC", strict=False)
    )
    df = df.with_columns(_ts_a=ts_a, _ts_b=ts_b)
    is_b = b("host").is_not_null() & pl.col("_ts_b").is_not_null()
    is_a = ~is_b & a("host").is_not_null() & pl.col("_ts_a").is_not_null()
    df = df.with_columns(_is_a=is_a, _is_b=is_b)
    is_a, is_b = pl.col("_is_a"), pl.col("_is_b")

    def pick(col_b: pl.Expr, col_a: pl.Expr) -> pl.Expr:
        return pl.when(is_b).then(col_b).when(is_a).then(col_a).otherwise(None)

    def nil(e: pl.Expr) -> pl.Expr:  # RFC 5424 NILVALUE
        return e.replace("-", None)

    return df.select(
        "raw",
        pick(pl.col("_ts_b"), pl.col("_ts_a")).alias("ts"),
        pick(nil(b("host")), a("host")).alias("host"),
        pick(nil(b("app")), a("app")).alias("app"),
        pick(nil(b("pid")), a("pid")).alias("pid"),
        pick(b("msg"), a("msg")).alias("msg"),
        # \d takes any Unicode digit: a priority in other digits has no severity (it used to fail the batch)
        pick(b("pri").cast(pl.Int64, strict=False) % 8, a("pri").cast(pl.Int64, strict=False) % 8).alias(
            "severity"
        ),
        pl.when(is_b)
        .then(b("sd").str.extract(r'sequenceId="(\d+)"').cast(pl.Int64, strict=False))
        .alias("seq"),
        pl.when(is_b).then(pl.lit("syslog5424")).when(is_a).then(pl.lit("syslog3164")).alias("fmt"),
        (is_a | is_b).alias("parsed"),
    )


def _split_5424(parts: pl.Expr) -> dict[str, pl.Expr]:
    """RFC 5424 fields from a line split on spaces (``str.splitn(" ", 7)``): the header, then the
    structured data up to its end (a regex) and the message."""
    head, ts, host, app, pid, _msgid, rest = (parts.struct.field(f"field_{k}") for k in range(7))
    # the structured data ends at the first unescaped "]" followed by a space or the end; its length
    # in characters, which str.slice counts (str.find would give bytes, wrong for Thai in the data)
    bracketed = rest.str.extract(r"(?s)^(.*?[^\\]\])(?: |$)").str.len_chars().cast(pl.Int64)
    sd_len = (
        pl.when(rest.str.starts_with("- ") | (rest == "-"))
        .then(1)
        .when(rest.str.starts_with("["))
        .then(bracketed)
    )
    # a null length slices to the end: without a structured data the rest is one (and there is no message)
    sd = rest.str.slice(0, sd_len)
    ok = head.str.contains(r"^<\d{1,3}>1$") & sd.is_not_null()

    def keep(e: pl.Expr) -> pl.Expr:
        return pl.when(ok).then(e)

    return {
        "pri": keep(head.str.extract(r"^<(\d{1,3})>1$")),
        "ts": keep(ts),
        "host": keep(host),
        "app": keep(app),
        "pid": keep(pid),
        "sd": keep(sd),
        "msg": keep(rest.str.slice(sd_len + 1)),
    }


def _web(df: pl.DataFrame, fmt: str, tz: str) -> pl.DataFrame:
    acc = df["raw"].str.extract_groups(RE_ACCESS).struct.unnest()
    ts_acc = acc["ts"].str.to_datetime("%d/%b/%Y:%H:%M:%S %z", time_zone="UTC", strict=False)
    if fmt == "nginx":
        err = df["raw"].str.extract_groups(RE_NGINX_ERROR).struct.unnest()
        ts_err = err["ts"].str.to_datetime("%Y/%m/%d %H:%M:%S", strict=False)
        err_ip = err["msg"].str.extract(r"client: ([0-9a-fA-F.:]+)")
    else:
        err = df["raw"].str.extract_groups(RE_APACHE_ERROR).struct.unnest()
        ts_err = (
            err["ts"]
            .str.replace(r"\.\d+", "")
            .str.replace(r"^\w{3} ", "")
            .str.replace_all(" +", " ")
            .str.to_datetime("%b %d %H:%M:%S %Y", strict=False)
        )
        err_ip = err["ip"]
    ts_err = ts_err.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone(
        "UTC"
    )
    is_acc = acc["ip"].is_not_null() & ts_acc.is_not_null()
    is_err = ~is_acc & err["msg"].is_not_null() & ts_err.is_not_null()

    def pick(x: pl.Series, y: pl.Series) -> pl.Series:
        return pl.select(pl.when(is_acc).then(x).when(is_err).then(y).otherwise(None)).to_series()

    uri = pl.select(pl.when(is_acc).then(acc["uri"])).to_series()
    level = err["level"].str.extract(r"(\w+)$")
    return pl.DataFrame(
        {
            "raw": df["raw"],
            "ts": pick(ts_acc, ts_err),
            "app": pl.Series([fmt] * len(df), dtype=pl.Utf8),
            "pid": pl.select(pl.when(is_err).then(err["pid"])).to_series(),
            "msg": pick(df["raw"], err["msg"]),
            "src_ip": pick(acc["ip"], err_ip),
            "user": pl.select(pl.when(is_acc & (acc["user"] != "-")).then(acc["user"])).to_series(),
            "method": pl.select(pl.when(is_acc).then(acc["method"])).to_series(),
            "uri": uri,
            "uri_ext": uri.str.extract(r"^[^?#]*/[^/?#]*\.([A-Za-z0-9]{1,8})(?:[?#]|$)").str.to_lowercase(),
            "status": pl.select(pl.when(is_acc).then(acc["status"].cast(pl.Int64))).to_series(),
            "useragent": pl.select(pl.when(is_acc).then(acc["ua"])).to_series(),
            "severity": pl.select(
                pl.when(is_err).then(
                    level.replace_strict(SEVERITY_OF_LEVEL, default=None, return_dtype=pl.Int64)
                )
            ).to_series(),
            "fmt": pl.select(
                pl.when(is_acc).then(pl.lit(fmt)).when(is_err).then(pl.lit(f"{fmt}-error"))
            ).to_series(),
            "parsed": is_acc | is_err,
        }
    )


_JSON_KEYS = {
    "ts": ("ts", "time", "@timestamp", "timestamp", "at"),  # "at": Lakthan's own audit lines
    "host": ("host", "hostname"),
    "app": ("app", "system", "application", "service"),
    "user": ("user", "actor", "username"),
    "action": ("action", "event"),
    "record": ("record", "object", "target"),
    "msg": ("msg", "message"),
    "src_ip": ("src_ip", "ip", "client_ip"),
}


def _jsonl(lines: list[str]) -> pl.DataFrame:
    rows = []
    for line in lines:
        row: dict = {"raw": line, "parsed": False}
        try:
            obj = json.loads(line)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            for key, names in _JSON_KEYS.items():
                for name in names:
                    if obj.get(name) not in (None, ""):
                        row[key] = str(obj[name])
                        break
            ts = _iso(row.pop("ts", None))
            if ts is not None:
                row.update(ts=ts, parsed=True, fmt="jsonl")
                row.setdefault("msg", line)  # the whole object: a keyword matches wherever it is
        rows.append(row)
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "raw": pl.Utf8,
        "parsed": pl.Boolean,
        "ts": pl.Datetime("us", "UTC"),
        "fmt": pl.Utf8,
    }
    schema.update({k: pl.Utf8 for k in _JSON_KEYS if k != "ts"})
    return pl.DataFrame(rows, schema=schema)


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


# sshd, useradd, usermod, sudo, log clearing: the actions our rules and coverage speak of. The kernel
# in _parse_native.c implements these expressions for the lines it parses; tests check they agree.
_ACTIONS = [
    ("ssh_failed", r"Failed (?:password|publickey) for (?:invalid user )?(\S+) from ([0-9a-fA-F.:]+)"),
    ("ssh_invalid_user", r"Invalid user (\S+) from ([0-9a-fA-F.:]+)"),
    ("ssh_accepted", r"Accepted \S+ for (\S+) from ([0-9a-fA-F.:]+)"),
    ("user_created", r"new user: name=([^,\s]+)()"),
    (
        "sudo_granted",
        r"(?:add '([^']+)' to group '(?:sudo|wheel|admin)'|adding user (\S+) to group (?:sudo|wheel))",
    ),
    ("sudo_command", r"^\s*(\S+) : .*COMMAND=(.*)$"),
]


# only the expression of the first of these literals a message holds is tried
_ACTION_LITERALS = ["Failed ", "Invalid user ", "Accepted ", "new user: ", "to group ", "COMMAND="]


def _enrich(df: pl.DataFrame) -> pl.DataFrame:
    """Sets action, user and source address from the message of rows without an action. Each regular
    expression runs only on the messages whose first literal is its own (others are null to it)."""
    msg = pl.col("msg")
    first_literal = pl.coalesce(
        pl.when(msg.str.contains(literal, literal=True)).then(pl.lit(k, dtype=pl.Int8))
        for k, literal in enumerate(_ACTION_LITERALS)
    )
    df = df.with_columns(pl.when(pl.col("action").is_null()).then(first_literal).alias("_literal"))
    if df["_literal"].null_count() == df.height:
        return df.drop("_literal")
    found = [f"_found_{name}" for name, _ in _ACTIONS]
    df = df.with_columns(
        pl.when(pl.col("_literal") == k).then(msg).str.extract_groups(rx).alias(column)
        for k, ((_, rx), column) in enumerate(zip(_ACTIONS, found, strict=True))
    )
    hits, users, addresses = [], [], []
    for (name, _), column in zip(_ACTIONS, found, strict=True):
        first, second = pl.col(column).struct.field("1"), pl.col(column).struct.field("2")
        if name == "sudo_granted":
            first, second = pl.coalesce(first, second), pl.lit(None, dtype=pl.Utf8)
        hit = first.is_not_null() | second.is_not_null()
        hits.append((hit, pl.lit(name)))
        users.append((hit, first))
        if name.startswith("ssh_"):
            addresses.append((hit, second))
    return df.with_columns(
        _first_match(hits, pl.col("action")).alias("action"),
        _first_match(users, pl.col("user")).alias("user"),
        _first_match(addresses, pl.col("src_ip")).alias("src_ip"),
    ).drop("_literal", *found)


def _first_match(cases: list[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    (condition, value), *rest = cases
    chain: Then | ChainedThen = pl.when(condition).then(value)
    for condition, value in rest:
        chain = chain.when(condition).then(value)
    return chain.otherwise(otherwise)
