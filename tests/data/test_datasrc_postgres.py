"""Datasets read from the PostgreSQL server of the test run: naive and zoned timestamps, a statement
that outlasts its timeout, read-only sessions, a wrong DSN whose password is never shown, quality
rules with a schema-qualified table."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from lakthan.data.engines import sources as s
from lakthan.data.services import datasets as svc
from lakthan.data.services import reading as rd
from tests.data import datasrc_fixtures
from tests.data.datasrc_fixtures import SECRET, with_password

pg_source = datasrc_fixtures.pg_source
BKK = s.zone("Asia/Bangkok")


def test_naive_timestamp_is_read_in_the_zone_and_timestamptz_keeps_its_instant(pg_source):
    naive_bkk = s.sql_last_update(pg_source, "SELECT max(at) FROM imports", BKK, 5)
    naive_utc = s.sql_last_update(pg_source, "SELECT max(at) FROM imports", s.zone("UTC"), 5)
    assert naive_bkk == datetime(2026, 12, 1, 3, tzinfo=UTC)
    assert naive_utc - naive_bkk == timedelta(hours=7)
    for zone in ("Asia/Bangkok", "America/New_York"):
        assert s.sql_last_update(pg_source, "SELECT max(at_zoned) FROM imports", s.zone(zone), 5) == datetime(
            2026, 12, 1, 10, tzinfo=UTC
        )


def test_a_statement_past_its_timeout_fails_within_two_seconds(pg_source):
    started = time.monotonic()
    with pytest.raises(s.SourceError) as exc:
        s.scalar(pg_source, "SELECT pg_sleep(5)", 1)
    assert time.monotonic() - started < 2
    assert exc.value.en.startswith("timed out: over 1 s")


def test_the_session_is_read_only(pg_source):
    with pytest.raises(s.SourceError) as exc:
        s.scalar(pg_source, "INSERT INTO imports (id) VALUES (2) RETURNING id", 5)
    assert "read-only transaction" in exc.value.en
    # several statements in one cannot step out of the read-only transaction
    for escape in (
        "COMMIT; INSERT INTO imports (id) VALUES (3) RETURNING id",
        "SET default_transaction_read_only = off; COMMIT; INSERT INTO imports (id) VALUES (4) RETURNING id",
    ):
        with pytest.raises(s.SourceError) as exc:
            s.scalar(pg_source, escape, 5)
        assert "multiple commands" in exc.value.en
    assert s.scalar(pg_source, "SELECT count(*) FROM imports", 5) == 1


def test_quality_on_a_schema_qualified_table(pg_source):
    assert s.row_count(pg_source, "hr.people", 5) == 4
    assert s.null_rate(pg_source, "hr.people", "email", 5) == 0.25
    assert s.count_rows(pg_source, "SELECT id FROM hr.people WHERE email IS NULL", 5) == 1


@pytest.mark.django_db
def test_a_wrong_dsn_is_a_failed_reading_without_the_password(pg_source, org):
    wrong = with_password(pg_source).rsplit("/", 1)[0] + "/no_such_db"
    ds = svc.add_dataset(
        "hr-wrong",
        org.division,
        every_s=3600,
        source="sql",
        dsn=wrong,
        query="SELECT now()",
        timeout_s=5,
    )
    reading = rd.read_dataset(ds)
    assert reading.ok is False and reading.late is None
    assert 'database "no_such_db" does not exist' in reading.error
    assert reading.error.startswith("อ่านฐานข้อมูลไม่สำเร็จ")
    assert SECRET not in reading.error and ":***@" in reading.error
    assert SECRET not in svc.masked_dsn(ds)


@pytest.mark.django_db
def test_a_dataset_read_from_postgres_with_its_rules(pg_source, org):
    ds = svc.add_dataset(
        "hr-people",
        org.division,
        every_s=86400,
        source="sql",
        dsn=with_password(pg_source),
        query="SELECT max(at) FROM imports",
        timeout_s=5,
    )
    svc.add_rule(ds, "enough", "row_count", table="hr.people", min_value=3, max_value=10)
    svc.add_rule(ds, "emails", "null_rate", table="hr.people", column="email", max_value=0.1)
    svc.add_rule(ds, "no-blank-names", "assertion", query="SELECT id FROM hr.people WHERE name = ''")
    at = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)
    reading, results = rd.check_dataset(ds, at)
    assert reading.ok and reading.last_update == datetime(2026, 12, 1, 3, tzinfo=UTC)
    assert reading.late is True and reading.late_by_s == 1800
    by_name = {r.rule.name: r for r in results}
    assert by_name["enough"].passed and by_name["enough"].value == 4
    assert not by_name["emails"].passed and by_name["emails"].value == 0.25
    assert by_name["no-blank-names"].passed and by_name["no-blank-names"].value == 0
