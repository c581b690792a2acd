"""Evidence CSVs open as data in a spreadsheet, never as formulas (issue 15.6: CSV injection)."""

import csv
import io
from datetime import UTC, datetime
from types import SimpleNamespace

from lakthan.lib.spreadsheet import csv_bytes
from lakthan.monitoring.checks import _csv as coverage_csv

HOSTILE = ['=HYPERLINK("http://x.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


def read(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # the byte-order mark Excel needs for Thai
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_text_that_would_run_as_a_formula_is_marked_as_text_and_numbers_stay_numbers():
    rows = read(csv_bytes([["text", "number"], *([h, -5] for h in HOSTILE), ["ระบบงาน = ปกติ", 3]]))
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE] + ["ระบบงาน = ปกติ"]
    assert [r[1] for r in rows[1:]] == ["-5"] * len(HOSTILE) + ["3"]


def test_a_host_name_a_sender_chose_cannot_become_a_formula_in_the_coverage_csv():
    """Host names come from log lines, which anyone who can send syslog writes."""
    host = SimpleNamespace(
        name="=cmd|' /C calc'!A0",
        unit="-",
        events=3,
        events_per_day=1.5,
        days_reported=2,
        days_in_window=2,
        last_event=datetime(2026, 3, 1, tzinfo=UTC),
        silent_periods=[],
        seq_gaps=0,
        unparsed=0,
    )
    (row,) = read(coverage_csv([host]))[1:]
    assert row[:3] == ["'=cmd|' /C calc'!A0", "'-", "3"]
