"""Parsers: known events from known lines; lines and bytes give the same events; the C kernel
(_parse_native.c) gives the same rows as the polars expressions it stands in for."""

from __future__ import annotations

from array import array
from datetime import UTC, datetime
from itertools import accumulate

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakthan.monitoring.pipeline import _parse_native, parsers
from lakthan.monitoring.pipeline.schema import SCHEMA, conform

NOW = datetime(2020, 1, 1, tzinfo=UTC)

MIXED = [
    '<38>1 2013-08-01T09:00:00.123456789+07:00 web01 sshd 4242 - [meta sequenceId="7" note="a \\] b"] '
    "Failed password for invalid user bob from 203.0.113.7 port 22 ssh2\r",
    "",
    "   ",
    "\u3000\t\x1c\x1f",  # blank to str.isspace (\x1c-\x1f are not \s to the regular expressions)
    "<86>Mar  5 09:00:01 db01 sudo: alice : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/rm -f /var/log/auth.log",
    "not a syslog line",
    "<13>1 2013-03-05T02:00:02Z - - - - - new user: name=eve, UID=1001",
    "<38>1 2013-03-05T02:00:03Z db01 usermod - - [x] add 'eve' to group 'sudo'",
    "<38>1 2013-03-05T02:00:04Z db01 app - - [é] ข้อความ Accepted password for ผู้ใช้ from 10.0.0.1",
    "<38>1 2013-8-05T02:00:05+0700 db01 app - - - a timestamp only polars reads",
    "<38>1 2013-02-30T02:00:06Z db01 app - - - no such day",
    "<38>1 short",
    '10.0.0.9 - bob [05/Mar/2013:09:00:07 +0700] "GET /admin/x.php?id=1 HTTP/1.1" 404 12 "-" "curl/7.0"',
    "2013/03/05 09:00:08 [error] 12#0: *1 open() failed, client: 10.0.0.8, server: x",
    "[Tue Mar 05 09:00:09.123 2013] [core:error] [pid 12:tid 3] [client 10.0.0.7:5000] File does not exist",
    '{"ts": "2013-03-05T02:00:10Z", "host": "app01", "user": "carol", "action": "record_viewed", "msg": "seen"}',
    '{"time": "2013-03-05T09:00:11+07:00", "message": "Invalid user mallory from 198.51.100.2"}',
    "{not json",
    "\r\r",
]


def test_known_lines_give_known_events():
    parsed = parsers.parse(MIXED[:8], "syslog", host="fallback", source="/var/log/x", year=2013, now=NOW)
    ev = parsed.events
    assert ev.schema == SCHEMA
    assert parsed.unparsed == 1
    assert ev["raw"][0].endswith("port 22 ssh2")  # the "\r" taken off; blank lines left out
    assert ev.select("host", "app", "pid", "fmt", "severity", "seq", "action", "user", "src_ip").rows() == [
        ("web01", "sshd", "4242", "syslog5424", 6, 7, "ssh_failed", "bob", "203.0.113.7"),
        ("db01", "sudo", None, "syslog3164", 6, None, "sudo_command", "alice", None),
        ("fallback", None, None, "raw", None, None, None, None, None),
        ("fallback", None, None, "syslog5424", 5, None, "user_created", "eve", None),
        ("db01", "usermod", None, "syslog5424", 6, None, "sudo_granted", "eve", None),
    ]
    assert ev["ts"].to_list() == [
        datetime(2013, 8, 1, 2, 0, 0, 123456, tzinfo=UTC),  # +07:00, the fraction cut to microseconds
        datetime(2013, 3, 5, 2, 0, 1, tzinfo=UTC),  # RFC 3164 in Asia/Bangkok
        datetime(2013, 3, 5, 2, 0, 1, tzinfo=UTC),  # unparsed: the time of the line before
        datetime(2013, 3, 5, 2, 0, 2, tzinfo=UTC),
        datetime(2013, 3, 5, 2, 0, 3, tzinfo=UTC),
    ]
    assert ev["msg"][2] == "not a syslog line" and ev["msg"][4] == "add 'eve' to group 'sudo'"
    assert ev["source"].unique().to_list() == ["/var/log/x"]


@pytest.mark.parametrize("fmt", parsers.FORMATS)
def test_bytes_and_lines_give_the_same_events(fmt):
    data = "\n".join(MIXED).encode()
    a = parsers.parse(MIXED, fmt, host="h", source="s", year=2013, now=NOW)
    b = parsers.parse_bytes(data, fmt, host="h", source="s", year=2013, now=NOW)
    assert a.unparsed == b.unparsed
    assert a.events.equals(b.events)
    assert a.events.schema == SCHEMA


def test_invalid_utf8_is_replaced_as_python_does():
    data = b"<38>1 2013-03-05T02:00:00Z h sshd - - - Invalid user b\xffob from 10.0.0.1\r\n\xe2\x82\n\xed\xa0\x80x"
    a = parsers.parse_bytes(data, "syslog", now=NOW)
    b = parsers.parse(data.decode("utf-8", errors="replace").split("\n"), "syslog", now=NOW)
    assert a.events.equals(b.events)
    assert a.events["user"][0] == "b\ufffdob" and a.events["raw"][1] == "\ufffd"


def test_a_line_holding_a_newline_stays_one_event():
    lines = ["<38>1 2013-03-05T02:00:00Z h sudo - - - alice : COMMAND=/bin/true\nmore", "second"]
    ev = parsers.parse(lines, "syslog", now=NOW).events
    assert ev.height == 2 and ev["msg"][0] == "alice : COMMAND=/bin/true\nmore"
    assert ev["action"][0] is None  # "." does not match the newline, as in the regular expression


def test_nothing_to_parse():
    for parsed in (parsers.parse([], "auto"), parsers.parse_bytes(b"\n \n", "syslog")):
        assert parsed.events.height == 0 and parsed.unparsed == 0
        assert parsed.events.schema == SCHEMA


def test_thai_in_structured_data_ends_it_at_the_right_character():
    # the kernel leaves non-ASCII structured data to polars, which counts characters, not bytes
    line = '<38>1 2013-03-05T02:00:00Z h app - - [x@1 u="ผู้ใช้" n="a\\]b"] ข้อความ Failed password for root from 10.0.0.1'
    ev = parsers.parse_bytes(line.encode(), "syslog").events
    assert ev["parsed"].to_list() == [True]
    assert ev["msg"].to_list() == ["ข้อความ Failed password for root from 10.0.0.1"]
    assert ev["action"].to_list() == ["ssh_failed"]


def test_a_priority_in_other_digits_does_not_fail_the_batch():
    ev = parsers.parse(
        ["<٣>1 2013-03-05T02:00:00Z h a - - - x", "<٣>Mar  5 09:00:01 h a: x"], "syslog"
    ).events
    assert ev["parsed"].to_list() == [True, True]
    assert ev["severity"].to_list() == [None, None]


def test_windows_and_threads_do_not_change_the_events(monkeypatch):
    data = "\n".join(MIXED * 20).encode()
    expected = parsers.parse_bytes(data, "syslog", now=NOW).events
    monkeypatch.setattr(parsers, "_WINDOW_BITS", 8)  # 256-byte windows: views into many buffers
    monkeypatch.setattr(parsers, "_BYTES_PER_THREAD", 64)
    assert parsers.parse_bytes(data, "syslog", now=NOW).events.equals(expected)
    for threads in (2, 3, 16):
        assert _parse_native.parse_syslog(data, None, 30, threads) == _parse_native.parse_syslog(
            data, None, 30, 1
        )
        assert _parse_native.lines(data, None, 30, threads) == _parse_native.lines(data, None, 30, 1)


def test_a_line_longer_than_a_window_is_refused(monkeypatch):
    monkeypatch.setattr(parsers, "_WINDOW_BITS", 6)
    with pytest.raises(ValueError, match="more than 64 bytes"):
        parsers.parse_bytes(b"x" * 65, "syslog")


ACTIONS = [  # message → (action, user, src_ip), as parsers._ACTIONS' regular expressions find them
    (
        "Invalid user admin from 1.2.3.4 Failed password for root from 1.2.3.5",
        ("ssh_failed", "root", "1.2.3.5"),
    ),
    ("Failed password for invalid user from 1.2.3.4", (None, None, None)),
    ("Failed password for bob from x; Accepted publickey for y from 1.2.3.4", (None, None, None)),
    ("Failed password for ro\u00a0ot from 1.2.3.4", (None, None, None)),
    ("Failed publickey for invalid user x from ::1 port 22", ("ssh_failed", "x", "::1")),
    ("Invalid user é from fe80::1%eth0", ("ssh_invalid_user", "é", "fe80::1")),
    ("Accepted publickey for staff1 from 10.1.2.3 port 5000 ssh2", ("ssh_accepted", "staff1", "10.1.2.3")),
    ("new user: name=, UID=1 new user: name=eve\u00a0x", ("user_created", "eve", None)),
    ("add '' to group 'sudo'; adding user z to group wheel", ("sudo_granted", "z", None)),
    ("usermod: add 'x' to group 'adm'", (None, None, None)),
    ("add 'a b' to group 'admin'", ("sudo_granted", "a b", None)),
    ("\u3000\tbob : COMMAND=/usr/bin/id", ("sudo_command", "bob", None)),
    ("bob : TTY=pts/0\nCOMMAND=/bin/ls", (None, None, None)),
    ("x : COMMAND=a COMMAND=b", ("sudo_command", "x", None)),
    ("pam_unix(sshd:session): session opened for user staff1 by (uid=0)", (None, None, None)),
]


@pytest.mark.parametrize(("message", "expected"), ACTIONS)
def test_actions_from_messages(message, expected):
    lines = [f"<38>1 2013-08-01T00:00:00Z h a p m - {message}", f"<38>Aug  1 00:00:00 h a: {message}"]
    ev = parsers.parse(lines, "syslog").events  # the kernel's line, then one of the polars expressions
    assert ev.select("action", "user", "src_ip").rows() == [expected, expected]


# --- the kernel against the polars expressions --------------------------------------------------

_HEADERS = [
    "<38>1 2013-08-01T00:00:00Z web01 sshd 1000 - ",
    "<13>1 2013-08-01T23:59:59.5+07:00 - - - ID1 ",
    "<0>1 1969-12-31T23:59:59.123456789-12:30 é app - - ",
    "<191>1 2013-02-28T00:00:00+23:59 h a p m ",
    "<38>1 2013-13-01T00:00:00Z h a p m ",
    "<38>1 2013-08-01T00:00:60Z h a p m ",
    "<38>1 2013-08-01T00:00:00 h a p m ",
    "<38>1 20a3-08-01T00:00:00Z h a p m ",
    "<38>1 2013-08-01T00:00:00Z h a p",
    "<38>1x ",
    "<1234>1 2013-08-01T00:00:00Z h a p m ",
    "Aug  1 00:00:00 web01 sshd[12]: ",
    "",
]
_STRUCTURED = [
    "- ",
    "-",
    '[meta sequenceId="42"] ',
    '[a x="\\]"][meta sequenceId="9223372036854775808"] ',
    '[x sequenceId="007" y="é"] ',
    "[] ",
    '[meta sequenceId="12x"][meta sequenceId="13"] ',
    "[unterminated ",
    "[a]b ",
    "-x ",
    "",
]
_MESSAGES = [
    "Failed password for root from 10.0.0.1 port 22 ssh2",
    "Failed publickey for invalid user x from ::1",
    "Invalid user admin from 198.51.100.2",
    "Accepted publickey for staff1 from 10.1.2.3 port 5000 ssh2",
    "new user: name=eve, UID=1001",
    "add 'a b' to group 'wheel'",
    "adding user bob to group sudo",
    "alice : TTY=pts/0 ; PWD=/ ; COMMAND=/bin/ls COMMAND=x",
    "\u3000\tbob : COMMAND=/usr/bin/id",
    "pam_unix(sshd:session): session opened for user staff1 by (uid=0)",
]
_MESSAGE_PARTS = [
    "Failed password for ",
    "Failed publickey for invalid user ",
    "Invalid user ",
    "Accepted publickey for ",
    "Accepted ",
    " for ",
    " from ",
    "new user: name=",
    "add '",
    "' to group 'sudo'",
    "adding user ",
    " to group wheel",
    " : ",
    "COMMAND=",
    "root",
    "ผู้ใช้",
    "10.0.0.1",
    "::1",
    ",",
    " ",
    "\u00a0",
    "\u3000",
    "\t",
    "\n",
    "'",
]


@st.composite
def _lines(draw) -> list[str]:
    part = st.sampled_from(_MESSAGES) | st.sampled_from(_MESSAGE_PARTS) | st.text("abé:.' ", max_size=4)
    message = st.lists(part, max_size=8).map("".join)
    line = st.tuples(st.sampled_from(_HEADERS), st.sampled_from(_STRUCTURED), message).map("".join)
    return draw(st.lists(line, min_size=1, max_size=30))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lines())
def test_the_kernel_gives_the_rows_of_the_polars_expressions(lines):
    data = "\n".join(lines).encode()
    for source in (parsers._Lines(data), parsers._Lines(*_with_offsets(lines))):
        rows = source.syslog()
        by_kernel = conform(rows.drop("handled")).filter(rows["handled"])
        by_polars = parsers._complete_rows(
            parsers._syslog(pl.DataFrame({"raw": source.raw()}), 2013, "Asia/Bangkok")
        )
        assert by_kernel.equals(by_polars.filter(rows["handled"]))
        assert parsers._syslog_native(source, 2013, "Asia/Bangkok").equals(by_polars)


def _with_offsets(lines: list[str]) -> tuple[bytes, array]:
    encoded = [line.encode() for line in lines]
    return b"".join(encoded), array("q", [0, *accumulate(map(len, encoded))])
