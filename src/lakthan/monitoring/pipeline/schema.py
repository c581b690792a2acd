"""The event schema shared by parsers, segments, the rule compiler and the verifier (no Django)."""

from __future__ import annotations

import polars as pl

# An event as the pipeline, the rules and the pages see it. Only its EVIDENCE columns are stored and
# hashed; every other column is read out of ``raw`` again by the parser that read it at first
# (parsers.derive), so what the proof covers is the line as it was received.
SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "ts": pl.Datetime("us", "UTC"),
    "host": pl.Utf8,
    "app": pl.Utf8,
    "pid": pl.Utf8,
    "fmt": pl.Utf8,  # syslog3164 | syslog5424 | nginx | apache | nginx-error | apache-error | jsonl | raw
    "severity": pl.Int64,
    "seq": pl.Int64,  # RFC 5424 meta sequenceId
    "msg": pl.Utf8,
    "action": pl.Utf8,  # ssh_failed, ssh_accepted, ssh_invalid_user, user_created, sudo_granted, sudo_command, log_cleared …
    "user": pl.Utf8,
    "src_ip": pl.Utf8,
    "method": pl.Utf8,
    "uri": pl.Utf8,
    "uri_ext": pl.Utf8,
    "status": pl.Int64,
    "useragent": pl.Utf8,
    "vhost": pl.Utf8,
    "record": pl.Utf8,  # JSON audit events: the record acted on
    "source": pl.Utf8,  # where it came from: a file path, udp:ADDR, tcp:ADDR, http:ADDR
    "parsed": pl.Boolean,
    "parser": pl.Utf8,  # the parser that read the line: syslog | nginx | apache | jsonl
    "raw": pl.Utf8,  # the line; where it was not UTF-8, what was not is U+FFFD (as errors="replace")
    "raw_bytes": pl.Binary,  # the line as received when it was not UTF-8, else null (nearly always)
}
# What a segment stores, in this order, which is part of the proof: an event's leaf is SHA-256 of the
# canonical encoding of these columns (engines/eventhash.py). The rest are not known from ``raw`` alone:
# the time (the year of an RFC 3164 line, the arrival of an unparsed one), the host (given, or from the
# sender), where the line came from, and how it was read; and the bytes of a line that ``raw`` could
# only show with replacement characters. ``raw_bytes`` must stay last: a null of it adds nothing to
# the encoding (eventhash.py says why).
EVIDENCE = ("ts", "host", "source", "parser", "raw", "raw_bytes")
# stored columns added since the first segments: a file written before one was added reads with it
# null, which encodes as the file's events were encoded when they were sealed
ADDED = ("raw_bytes",)


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def evidence(df: pl.DataFrame) -> pl.DataFrame:
    """The stored columns of events, in order and type (those of ``ADDED`` null where absent)."""
    return df.select(
        (pl.col(c) if c in df.columns or c not in ADDED else pl.lit(None)).cast(SCHEMA[c]).alias(c)
        for c in EVIDENCE
    )


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Every schema column, in order and type; absent ones null."""
    exprs = [(pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c) for c, t in SCHEMA.items()]
    return df.select(exprs)
