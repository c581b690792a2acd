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
    "Aug  1 00:00:00 host01 sshd[1000]: Failed password for root from 203.0.113.5 port 4000 ssh2",
    "<38>Feb 30 00:00:00 host01 su: no such day",
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
        NOW,  # unparsed: the time it was received
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


def test_invalid_utf8_is_replaced_as_python_does_and_the_bytes_are_kept():
    data = b"<38>1 2013-03-05T02:00:00Z h sshd - - - Invalid user b\xffob from 10.0.0.1\r\n\xe2\x82\n\xed\xa0\x80x"
    a = parsers.parse_bytes(data, "syslog", now=NOW)
    b = parsers.parse(data.decode("utf-8", errors="replace").split("\n"), "syslog", now=NOW)
    assert a.events.drop("raw_bytes").equals(b.events.drop("raw_bytes"))
    assert a.events["user"][0] == "b\ufffdob" and a.events["raw"][1] == "\ufffd"
    # the lines as received, without the "\r\n" that ends them; text given as text has none
    assert a.events["raw_bytes"].to_list() == [line.rstrip(b"\r") for line in data.split(b"\n")]
    assert b.events["raw_bytes"].null_count() == 3
    assert parsers.parse(data.split(b"\n"), "syslog", now=NOW).events.equals(a.events)


# each line that is not UTF-8 is found where it is: first, in the middle, last, side by side, beside
# lines that are UTF-8 and hold U+FFFD themselves (the same text as a replaced line), around blank
# lines, with "\r\n" or "\r\r\n" endings, and as the last line without its newline
ALIGNMENT = [
    (b"\xfffirst", False),
    (b"<13>Mar  5 09:00:00 h sshd[1]: Invalid user \xef\xbf\xbd from 10.0.0.1", True),  # U+FFFD, UTF-8
    (b"<13>Mar  5 09:00:00 h sshd[1]: Invalid user \xff from 10.0.0.1", False),  # its twin, not UTF-8
    (b"   ", None),
    (b"", None),
    (b"\xe2\x80\r", False),  # a sequence cut short by the end of its line
    (b"\x80\xc0\xaf", False),
    (b"x\xef\xbf\xbd\r\r", True),
    (b"\xed\xa0\x80 surrogate", False),
    ("ผู้ใช้ ok".encode(), True),
    ("ผู้".encode()[:4] + b" cut Thai", False),
    (b"\t\xc2\xa0", None),  # blank (NBSP is a space to Python)
    (b"last \xf5", False),
]


def _alignment_data(ending: bytes) -> bytes:
    return ending.join(line for line, _ in ALIGNMENT)  # the last line has no ending


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
@pytest.mark.parametrize("fmt", parsers.FORMATS)
def test_each_line_not_utf8_keeps_its_own_bytes(fmt, ending):
    data = _alignment_data(ending)
    kept = [(line.rstrip(b"\r"), utf8) for line, utf8 in ALIGNMENT if utf8 is not None]
    for parsed in (
        parsers.parse_bytes(data, fmt, year=2013, now=NOW),
        parsers.parse(data.split(b"\n"), fmt, year=2013, now=NOW),
        parsers.parse([line + ending for line, _ in ALIGNMENT], fmt, year=2013, now=NOW),  # by offsets
    ):
        ev = parsed.events
        assert ev.height == len(kept)
        assert ev["raw"].to_list() == [line.decode("utf-8", errors="replace") for line, _ in kept]
        assert ev["raw_bytes"].to_list() == [None if utf8 else line for line, utf8 in kept]
        assert ev.schema == SCHEMA
    syslog = parsers.parse_bytes(data, "syslog", year=2013, now=NOW).events
    assert syslog["user"][1:3].to_list() == ["\ufffd", "\ufffd"]  # the twins parse alike


def test_lines_given_apart_are_replaced_apart():
    # a sequence cut at the end of one line and one continued at the start of the next make U+2000
    # together; given as two lines, each is a line that is not UTF-8
    ev = parsers.parse([b"one \xe2\x80", b"\x80 two", "three ก"], "syslog", now=NOW).events
    assert ev["raw"].to_list() == ["one \ufffd", "\ufffd two", "three ก"]
    assert ev["raw_bytes"].to_list() == [b"one \xe2\x80", b"\x80 two", None]
    holding_newline = parsers.parse([b"a\nb\xff", b"c"], "syslog", now=NOW).events
    assert holding_newline["raw_bytes"].to_list() == [b"a\nb\xff", None]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([line for line, _ in ALIGNMENT]) | st.binary(max_size=12), max_size=20))
def test_any_bytes_keep_each_line_as_received(lines):
    """Whatever the bytes, each event's raw_bytes is its line's bytes exactly when they are not
    UTF-8, and raw is those bytes decoded with replacement."""
    data = b"\n".join(lines)
    ev = parsers.parse_bytes(data, "jsonl", now=NOW).events
    expected = [line.rstrip(b"\r") for part in lines for line in part.split(b"\n")]
    expected = [line for line in expected if line.decode("utf-8", errors="replace").strip()]
    assert ev["raw"].to_list() == [line.decode("utf-8", errors="replace") for line in expected]
    assert ev["raw_bytes"].to_list() == [None if _utf8(line) else line for line in expected]


def _utf8(line: bytes) -> bool:
    try:
        line.decode()
    except UnicodeDecodeError:
        return False
    return True


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


def test_windows_and_threads_do_not_change_the_events():
    data = "\n".join(MIXED * 20).encode()
    expected = parsers.parse_bytes(data, "syslog", now=NOW).events
    small = parsers.Tuning(window_bits=8, bytes_per_thread=64)  # 256-byte windows: views into many buffers
    assert parsers.parse_bytes(data, "syslog", now=NOW, tuning=small).events.equals(expected)
    for threads in (2, 3, 16):
        assert _parse_native.parse_syslog(data, None, 30, threads, 2013) == _parse_native.parse_syslog(
            data, None, 30, 1, 2013
        )
        assert _parse_native.lines(data, None, 30, threads) == _parse_native.lines(data, None, 30, 1)


def test_a_line_longer_than_a_window_is_refused():
    with pytest.raises(ValueError, match="more than 64 bytes"):
        parsers.parse_bytes(b"x" * 65, "syslog", tuning=parsers.Tuning(window_bits=6))


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
    by_kernel = parsers.parse(lines, "syslog").events
    by_polars = parsers.complete_rows(
        parsers.syslog_by_polars(pl.DataFrame({"raw": lines}), 2013, "Asia/Bangkok")
    )
    for ev in (by_kernel, by_polars):
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


_message = st.lists(
    st.sampled_from(_MESSAGES) | st.sampled_from(_MESSAGE_PARTS) | st.text("abé:.' ", max_size=4), max_size=8
).map("".join)
_line_5424 = st.tuples(st.sampled_from(_HEADERS), st.sampled_from(_STRUCTURED), _message).map("".join)


@st.composite
def _lines(draw) -> list[str]:
    return draw(st.lists(_line_5424, min_size=1, max_size=30))


def _kernel_agrees_with_polars(lines: list[str], year: int = 2013, tz: str = "Asia/Bangkok") -> pl.Series:
    """Asserts the kernel's rows (and _syslog_native's) are those of the polars expressions; the
    kernel's handled column (of the lines given by offsets)."""
    data = "\n".join(lines).encode()
    for source in (parsers.Lines(data), parsers.Lines(*_with_offsets(lines))):
        rows = source.syslog(year, tz)
        by_kernel = conform(rows.drop("handled")).filter(rows["handled"])
        by_polars = parsers.complete_rows(
            parsers.syslog_by_polars(pl.DataFrame({"raw": source.raw()}), year, tz)
        )
        assert by_kernel.equals(by_polars.filter(rows["handled"]))
        assert parsers.syslog_by_kernel(source, year, tz).equals(by_polars)
    return rows["handled"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lines())
def test_the_kernel_gives_the_rows_of_the_polars_expressions(lines):
    _kernel_agrees_with_polars(lines)


# RFC 3164: each part of a line is one of the first values, but for a few of the second (odd or wrong)
_PARTS_3164 = [
    (["<38>", "", "<0>", "<191>", "<86>", "<999>"], ["<1234>", "<٣>", "<>", "<38", "<-1>", "<38><38>", " "]),
    (
        ["Aug  1", "Aug 1", "Aug 01", "Aug 31", "Feb 28", "Dec 31", "Jan  1", "Sep   9", "Feb 29"]
        # when the clocks change in 2013: Berlin, New York, Lord Howe Island (half an hour)
        + ["Mar 31", "Oct 27", "Mar 10", "Nov  3", "Oct  6", "Apr  7"],
        ["Feb 30", "Aug 32", "Sep 31", "Aug  0", "Aug 00", "Aug 123", "Foo  1", "aug  1", "AUG  1"]
        + ["Aug ٣", "Aug\t1", "Augu 1", "Aug", "Aug1", "Ma 1", "Jun\u00a01"],
    ),
    (
        [" 00:00:00", " 23:59:59", " 01:30:00", " 02:00:00", " 02:30:00", " 02:59:59", " 03:00:00"],
        [" 24:00:00", " 23:60:00", " 23:59:60", " 23:59:61", " 9:00:00", " 00:00", " 0٣:00:00", "  00:00:00"]
        + [" 12:00:00.5", "00:00:00", " 99:99:99"],
    ),
    ([" "], ["  ", "\t", "\u3000", ""]),
    (["host01", "-", "é", "ผู้ใช้", "h[1]", "10.0.0.1"], ["", "a\u00a0b", "a\u3000b", "h:1"]),
    ([" "], ["  ", "\t", "\u2003", ""]),
    (["sshd", "CRON", "su", "-", "systemd-logind", "ผู้", "(sd-pam)"], ["", "a b", "a\u3000b", "a:b", "a]b"]),
    (["[1000]", "", "[0]", "[0012]"], ["[]", "[๑]", "[12", "[1a]", "[1000][1]", "[ 1]", "[1000] "]),
    ([": ", ":"], ["", ":  ", "::", " :", ":\t", ":\u3000"]),
]
_ENDINGS = ["", "\r", "\r\r"]


@st.composite
def _line_3164(draw) -> str:
    parts = [draw(st.sampled_from(usual)) for usual, _ in _PARTS_3164]
    for k in draw(st.lists(st.integers(0, len(_PARTS_3164) - 1), max_size=2)):
        parts[k] = draw(st.sampled_from(_PARTS_3164[k][1]))
    message = draw(_message | st.sampled_from(["", "ข้อความ \r ภาษาไทย", " x", "\u3000Failed password"]))
    return "".join(parts) + message + draw(st.sampled_from(_ENDINGS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_line_3164() | _line_3164() | _line_3164() | _line_5424, min_size=1, max_size=30),
    st.sampled_from([2013, 2012, 2000, 1900, 10_000]),
    st.sampled_from(["Asia/Bangkok", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_the_kernel_gives_the_rows_of_the_polars_expressions_for_rfc3164(lines, year, tz):
    _kernel_agrees_with_polars(lines, year, tz)


RFC3164 = [
    "<38>Aug  1 00:00:00 host01 sshd[1000]: Failed password for root from 203.0.113.5 port 4000 ssh2",
    "Aug  1 00:00:01 host01 sshd[1000]: Accepted publickey for staff3 from 10.1.2.3 port 50000 ssh2\r",
    "<86>Aug 12 23:59:59 host01 sudo: alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls",
    "<13>Feb 29 12:00:00 ผู้ใช้ useradd[7]:new user: name=สมชาย, UID=1001",
    "<0>Dec 31 23:59:59 - -[0]: ",
    "Jan 01 00:00:00 h app:",
]


def test_rfc3164_lines_are_parsed_by_the_kernel():
    handled = _kernel_agrees_with_polars(RFC3164, 2012)
    assert handled.all()
    ev = parsers.parse(RFC3164, "syslog", year=2012).events
    assert ev.select(
        "ts", "host", "app", "pid", "severity", "fmt", "msg", "action", "user", "src_ip"
    ).rows() == [
        (
            datetime(2012, 7, 31, 17, 0, 0, tzinfo=UTC),
            "host01",
            "sshd",
            "1000",
            6,
            "syslog3164",
            "Failed password for root from 203.0.113.5 port 4000 ssh2",
            "ssh_failed",
            "root",
            "203.0.113.5",
        ),
        (
            datetime(2012, 7, 31, 17, 0, 1, tzinfo=UTC),
            "host01",
            "sshd",
            "1000",
            None,
            "syslog3164",
            "Accepted publickey for staff3 from 10.1.2.3 port 50000 ssh2",
            "ssh_accepted",
            "staff3",
            "10.1.2.3",
        ),
        (
            datetime(2012, 8, 12, 16, 59, 59, tzinfo=UTC),
            "host01",
            "sudo",
            None,
            6,
            "syslog3164",
            "alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls",
            "sudo_command",
            "alice",
            None,
        ),
        (
            datetime(2012, 2, 29, 5, 0, 0, tzinfo=UTC),
            "ผู้ใช้",
            "useradd",
            "7",
            5,
            "syslog3164",
            "new user: name=สมชาย, UID=1001",
            "user_created",
            "สมชาย",
            None,
        ),
        (
            datetime(2012, 12, 31, 16, 59, 59, tzinfo=UTC),
            "-",
            "-",
            "0",
            0,
            "syslog3164",
            "",
            None,
            None,
            None,
        ),
        (
            datetime(2011, 12, 31, 17, 0, 0, tzinfo=UTC),
            "h",
            "app",
            None,
            None,
            "syslog3164",
            "",
            None,
            None,
            None,
        ),
    ]


def test_rfc3164_times_where_the_clocks_change():
    # Berlin, 2013: 02:00 to 03:00 on 31 March does not exist; on 27 October it comes twice (the first taken)
    times = ["Mar 31 01:59:59", "Mar 31 02:00:00", "Mar 31 02:59:59", "Mar 31 03:00:00"]
    times += ["Oct 27 01:59:59", "Oct 27 02:00:00", "Oct 27 02:59:59", "Oct 27 03:00:00"]
    lines = [f"<38>{t} h sshd[1]: Invalid user x from 10.0.0.1" for t in times]
    handled = _kernel_agrees_with_polars(lines, 2013, "Europe/Berlin")
    assert handled.to_list() == [True, False, False, True, True, True, True, True]
    ev = parsers.parse(lines, "syslog", year=2013, tz="Europe/Berlin", now=NOW).events
    assert ev["parsed"].to_list() == [True, False, False, True, True, True, True, True]
    assert ev["ts"].to_list() == [
        datetime(2013, 3, 31, 0, 59, 59, tzinfo=UTC),
        NOW,  # unparsed (a time that does not exist there): the time it was received
        NOW,
        datetime(2013, 3, 31, 1, 0, 0, tzinfo=UTC),
        datetime(2013, 10, 26, 23, 59, 59, tzinfo=UTC),
        datetime(2013, 10, 27, 0, 0, 0, tzinfo=UTC),
        datetime(2013, 10, 27, 0, 59, 59, tzinfo=UTC),
        datetime(2013, 10, 27, 2, 0, 0, tzinfo=UTC),
    ]
    assert ev["action"].to_list()[1:3] == ["ssh_invalid_user"] * 2  # from the raw line, by polars


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Bangkok"])
def test_rfc3164_times_on_the_days_the_clocks_change(tz):
    days = ["Mar 31", "Oct 27", "Mar 10", "Nov  3", "Oct  6", "Apr  7"]  # in 2013: see _PARTS_3164
    times = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in (0, 15, 29, 30, 59) for s in (0, 59)]
    lines = [f"<38>{day} {t} h sshd[1]: x" for day in days for t in times]
    handled = _kernel_agrees_with_polars(lines, 2013, tz)
    assert handled.sum() >= len(lines) - 10  # only the times that do not exist (one hour) go to polars


def _with_offsets(lines: list[str]) -> tuple[bytes, array]:
    encoded = [line.encode() for line in lines]
    return b"".join(encoded), array("q", [0, *accumulate(map(len, encoded))])
