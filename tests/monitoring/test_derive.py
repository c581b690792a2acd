"""Segments store the line as received plus what it does not tell (schema.EVIDENCE); every other column
is read out of the line again (parsers.derive) and must come out exactly as it did at ingest."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakthan.monitoring.pipeline import parsers
from lakthan.monitoring.pipeline.schema import EVIDENCE, SCHEMA, evidence
from tests.monitoring.test_parsers import MIXED

NOW = datetime(2021, 6, 1, tzinfo=UTC)

LINES = [
    *MIXED,  # the parsers' own mix of formats, blank lines and lines that do not parse
    "Feb 29 10:00:00 db01 sshd[1]: Accepted password for ann from 10.0.0.1 port 2 ssh2",
    "not a syslog line: Failed password for root from 10.9.9.9 port 1 ssh2",
    "ข้อความภาษาไทย <ไม่ใช่ syslog>",
    "line with\nan embedded newline (octet-counted syslog may carry one)",
]


@pytest.mark.parametrize("fmt", ["syslog", "auth", "nginx", "apache", "jsonl", "auto"])
@pytest.mark.parametrize("year", [2012, 2013])  # Feb 29 parses in 2012 only
def test_every_parser_reads_its_stored_lines_back_to_the_same_events(fmt, year):
    events = parsers.parse(LINES, fmt, host="given01", source="/var/log/x", year=year, now=NOW).events
    assert parsers.derive(evidence(events)).equals(events)


def test_a_segment_of_several_parsers_and_years_reads_back_in_order():
    frames = [
        parsers.parse(LINES, fmt, source=f"file-{fmt}", year=year, now=NOW).events
        for fmt, year in [
            ("syslog", 2012),
            ("jsonl", 2013),
            ("syslog", 2013),
            ("nginx", 2013),
            ("apache", 2014),
        ]
    ]
    events = pl.concat(frames)
    mixed = pl.concat([events[i::3] for i in range(3)])  # interleaved, so no group is contiguous
    assert parsers.derive(evidence(mixed)).equals(mixed)


def test_stored_columns_are_kept_as_stored():
    two = [MIXED[0], MIXED[4]]  # RFC 5424 from sshd, RFC 3164 from sudo
    events = parsers.parse(two, "syslog", year=2013, now=NOW).events
    stored = evidence(events).with_columns(pl.lit("elsewhere").alias("host"))
    derived = parsers.derive(stored)
    assert derived["host"].to_list() == ["elsewhere", "elsewhere"]
    assert derived["app"].to_list() == ["sshd", "sudo"]
    assert derived.schema == SCHEMA and parsers.derive(stored.head(0)).schema == SCHEMA


def test_events_of_an_unknown_parser_are_refused():
    stored = evidence(parsers.parse(LINES[:1], "syslog", now=NOW).events).with_columns(
        pl.lit("cobol").alias("parser")
    )
    with pytest.raises(ValueError, match="unknown parser 'cobol'"):
        parsers.derive(stored)


def test_a_blank_stored_line_is_refused_not_dropped():
    stored = evidence(parsers.parse([MIXED[0], MIXED[4]], "syslog", now=NOW).events).with_columns(
        pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("  ")).otherwise("raw").alias("raw")
    )
    with pytest.raises(ValueError, match="a stored line is blank"):
        parsers.derive(stored)


line = st.one_of(
    st.sampled_from(LINES),
    st.builds(
        lambda pri, day, host, msg: f"<{pri}>Aug {day:2d} 10:11:12 {host} sshd[7]: {msg}",
        st.integers(0, 191),
        st.integers(1, 31),
        st.sampled_from(["h1", "db-01", "ฐาน"]),
        st.text(min_size=0, max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
    ),
    st.text(min_size=1, max_size=60),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=25), st.sampled_from(["syslog", "jsonl", "nginx", "apache"]))
def test_any_lines_read_back_to_the_same_events(lines, fmt):
    events = parsers.parse(lines, fmt, host="h", year=2016, now=NOW).events
    assert list(evidence(events).columns) == list(EVIDENCE)
    assert parsers.derive(evidence(events)).equals(events)
