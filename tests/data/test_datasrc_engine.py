"""The sources engine against real SQLite files, real files and real import logs: the last update
read in the dataset's zone, timeouts, read-only, DSNs masked and errors scrubbed, quality queries."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lakthan.data.engines import sources as s
from tests.data.datasrc_fixtures import SECRET, SQLITE_SLOW, sqlite_source

BKK = s.zone("Asia/Bangkok")


def test_a_naive_time_is_read_in_the_datasets_zone_and_a_zoned_one_keeps_its_offset(tmp_path):
    dsn, _ = sqlite_source(tmp_path)
    in_bangkok = s.sql_last_update(dsn, "SELECT max(at) FROM imports", BKK, 5)
    in_utc = s.sql_last_update(dsn, "SELECT max(at) FROM imports", s.zone("UTC"), 5)
    assert in_bangkok == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert in_utc == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert in_utc - in_bangkok == timedelta(hours=7)
    zoned = s.sql_last_update(dsn, "SELECT max(at_zoned) FROM imports", BKK, 5)
    assert zoned == s.sql_last_update(dsn, "SELECT max(at_zoned) FROM imports", s.zone("UTC"), 5)
    assert zoned == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_epoch_seconds_and_dates_are_times_too(tmp_path):
    dsn, _ = sqlite_source(tmp_path)
    assert s.sql_last_update(dsn, "SELECT max(at_epoch) FROM imports", BKK, 5) == datetime(
        2026, 12, 1, 10, 0, tzinfo=UTC
    )
    # a date alone: the start of that day in the zone
    assert s.sql_last_update(dsn, "SELECT max(d) FROM imports", BKK, 5) == datetime(2026, 12, 1, tzinfo=BKK)


@pytest.mark.parametrize(
    "query, message",
    [
        ("SELECT at FROM imports WHERE id = 99", "returned no row"),
        ("SELECT NULL", "returned NULL"),
        ("SELECT at, id FROM imports LIMIT 1", "one column"),
        ("SELECT 'yesterday'", "not a time"),
        ("SELECT * FROM nowhere", "no such table: nowhere"),
    ],
)
def test_a_query_that_does_not_give_one_time_is_a_clear_error(tmp_path, query, message):
    dsn, _ = sqlite_source(tmp_path)
    with pytest.raises(s.SourceError) as exc:
        s.sql_last_update(dsn, query, BKK, 5)
    assert message in exc.value.text()


def test_a_long_sqlite_query_is_interrupted_at_its_timeout(tmp_path):
    dsn, _ = sqlite_source(tmp_path)
    started = time.monotonic()
    with pytest.raises(s.SourceError) as exc:
        s.scalar(dsn, SQLITE_SLOW, 1)
    assert time.monotonic() - started < 2.5
    assert exc.value.en.startswith("timed out: over 1 s") and exc.value.th.startswith("หมดเวลา")


def test_a_sqlite_source_is_opened_read_only(tmp_path):
    dsn, path = sqlite_source(tmp_path)
    for query in (
        "INSERT INTO people (name) VALUES ('x') RETURNING id",
        "DELETE FROM people RETURNING id",
    ):
        with pytest.raises(s.SourceError) as exc:
            s.scalar(dsn, query, 5)
        assert "readonly" in exc.value.en
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM people").fetchone() == (4,)


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    with pytest.raises(s.SourceError) as exc:
        s.scalar(f"sqlite://{tmp_path}/absent.db", "SELECT 1", 5)
    assert "no SQLite database file" in exc.value.en
    assert not (tmp_path / "absent.db").exists()


def test_dsn_masking_and_scrubbing_never_leave_the_password():
    dsn = f"postgresql://reader:{SECRET}@db.example:5432/hr?sslmode=require"
    assert s.mask(dsn) == "postgresql://reader:***@db.example:5432/hr?sslmode=require"
    assert s.mask("mssql://sa@h/db?PWD=" + SECRET + "&x=1") == "mssql://sa@h/db?PWD=***&x=1"
    assert s.mask("env:HR_DSN") == "env:HR_DSN"
    assert s.mask("sqlite:///var/x.db") == "sqlite:///var/x.db"
    driver_text = f'connection to "{dsn}" failed: password "{SECRET}" rejected'
    scrubbed = s.scrub(driver_text, dsn)
    assert SECRET not in scrubbed and "reader:***@db.example" in scrubbed
    encoded = "postgresql://u:p%40ss%2Fword@h/db"
    assert "p@ss/word" not in s.scrub("auth p@ss/word and p%40ss%2Fword", encoded)


def test_an_env_dsn_is_read_from_the_environment_when_used(tmp_path, monkeypatch):
    dsn, _ = sqlite_source(tmp_path)
    monkeypatch.setenv("LAKTHAN_TEST_SOURCE_DSN", dsn)
    assert s.kind_of("env:LAKTHAN_TEST_SOURCE_DSN") == "env"
    assert s.scalar("env:LAKTHAN_TEST_SOURCE_DSN", "SELECT count(*) FROM people", 5) == 4
    monkeypatch.delenv("LAKTHAN_TEST_SOURCE_DSN")
    with pytest.raises(s.SourceError, match="LAKTHAN_TEST_SOURCE_DSN .* not set"):
        s.scalar("env:LAKTHAN_TEST_SOURCE_DSN", "SELECT 1", 5)


def test_a_dsn_of_a_kind_whose_driver_is_missing_names_the_package(tmp_path):
    for dsn, package in (
        (f"mysql://reader:{SECRET}@127.0.0.1/hr", "PyMySQL"),
        (f"oracle://reader:{SECRET}@127.0.0.1/XE", "oracledb"),
        (f"mssql://sa:{SECRET}@127.0.0.1/hr", "pyodbc"),
    ):
        kind = s.kind_of(dsn)
        try:
            __import__(s.DRIVERS[kind][0][0])
            continue  # installed here: nothing to name
        except ImportError:
            pass
        with pytest.raises(s.SourceError) as exc:
            s.scalar(dsn, "SELECT 1", 5)
        assert package in exc.value.en and "pip install" in exc.value.th
        assert SECRET not in exc.value.text()
    with pytest.raises(ValueError, match="unknown DSN scheme"):
        s.kind_of("redis://h/0")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01 17:00:00", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01 17:00:00,250", datetime(2026, 12, 1, 10, 0, 0, 250000, tzinfo=UTC)),
        ("01/12/2026 17:00", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("01/12/2569 17:00:30", datetime(2026, 12, 1, 10, 0, 30, tzinfo=UTC)),
        ("2569-12-01T17:00:00+07:00", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01T12:00:00-02:00", datetime(2026, 12, 1, 14, tzinfo=UTC)),
    ],
)
def test_timestamps_people_write_in_logs(text, expected):
    assert s.parse_timestamp(text, BKK) == expected


def test_a_files_modification_time(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("x\n")
    moment = datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
    os.utime(f, (moment.timestamp(), moment.timestamp()))
    assert s.file_mtime(str(f)) == moment
    with pytest.raises(s.SourceError, match="no file at"):
        s.file_mtime(str(tmp_path / "gone.csv"))


PATTERN = r"^(?P<at>\S+ \S+) import passport OK"


def test_the_newest_matching_line_of_an_import_log(tmp_path):
    log = tmp_path / "import.log"
    log.write_text(
        "2026-12-01 09:00:00 import passport OK rows=10\n"
        "2026-12-03 09:00:00 import passport FAILED\n"  # does not match
        "2026-12-02 09:00:00 import passport OK rows=12\n"
        "noise\n" + "x" * 200_000 + "\n"  # a very long line is read in bounded pieces
        "2026-11-30 09:00:00 import passport OK rows=9\n",
        encoding="utf-8",
    )
    assert s.import_log_last(str(log), PATTERN, BKK) == datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_an_import_log_without_a_matching_line_or_with_an_unreadable_time(tmp_path):
    log = tmp_path / "import.log"
    log.write_text("2026-12-01 09:00:00 import passport FAILED\n")
    with pytest.raises(s.SourceError, match="no line of .* matches"):
        s.import_log_last(str(log), PATTERN, BKK)
    log.write_text("header\nsoon later import passport OK\n")
    with pytest.raises(s.SourceError) as exc:
        s.import_log_last(str(log), PATTERN, BKK)
    assert f"{log}:2:" in exc.value.en
    with pytest.raises(ValueError, match="no group named 'at'"):
        s.compile_pattern(r"^(\S+) import")


def test_quality_queries_and_identifiers(tmp_path):
    dsn, _ = sqlite_source(tmp_path)
    assert s.row_count(dsn, "people", 5) == 4
    assert s.null_rate(dsn, "people", "email", 5) == 0.25
    assert s.count_rows(dsn, "SELECT id FROM people WHERE email IS NULL", 5) == 1
    assert s.quote_identifier("hr.people", "postgresql") == '"hr"."people"'
    assert s.quote_identifier("people", "mssql") == "[people]"
    for bad in ('people"; DROP TABLE x; --', "people p", "1people", "a.b.c.d", ""):
        with pytest.raises(ValueError):
            s.quote_identifier(bad, "sqlite")
    with pytest.raises(s.SourceError, match="identifier"):
        s.row_count(dsn, "people; DELETE FROM people", 5)


def test_aware_datetimes_from_a_driver_keep_their_offset():
    plus2 = timezone(timedelta(hours=2))
    assert s.to_instant(datetime(2026, 1, 1, 12, tzinfo=plus2), BKK) == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert s.to_instant(datetime(2026, 1, 1, 12), BKK) == datetime(2026, 1, 1, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        s.to_instant(True, BKK)
