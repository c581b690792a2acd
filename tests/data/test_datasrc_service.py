"""The dataset services: the whole input checked when a dataset is added (no connection), the DSN
masked in the audit trail, readings judged and recorded, the owner told once when a dataset turns
late or starts failing, quality rules passing and failing, and the worker's run_due."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.core.services import add_person
from lakthan.data.models import QualityResult, Reading
from lakthan.data.services import datasets as svc
from lakthan.data.services import reading as rd
from tests.data.datasrc_fixtures import SECRET, sqlite_source

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _sql(org, tmp_path, name="passports", **kw):
    dsn, _ = sqlite_source(tmp_path)
    return svc.add_dataset(
        name, org.division, every_s=86400, source="sql", dsn=dsn, query="SELECT max(at) FROM imports", **kw
    )


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"source": "sql", "dsn": "", "query": "SELECT 1"}, "needs a DSN"),
        ({"source": "sql", "dsn": "redis://h/0", "query": "SELECT 1"}, "unknown DSN"),
        ({"source": "sql", "dsn": "sqlite:///x.db", "query": " "}, "needs the query"),
        ({"source": "file", "path": ""}, "needs a file's path"),
        ({"source": "import_log", "path": "/x.log", "pattern": r"(\S+) OK"}, "no group named 'at'"),
        ({"source": "import_log", "path": "/x.log", "pattern": r"(?P<at>[) OK"}, "not a regular expression"),
        ({"source": "file", "path": "/x", "tz": "Mars/Olympus"}, "unknown time zone"),
        ({"source": "file", "path": "/x", "every_s": 10}, "too short"),
        ({"source": "file", "path": "/x", "timeout_s": 0}, "timeout 0 s"),
        ({"source": "ftp", "path": "/x"}, "unknown source kind"),
    ],
)
def test_add_dataset_checks_the_whole_input_in_thai_and_english(org, kw, message):
    kw = {"every_s": 3600, **kw}
    with pytest.raises(InvalidInput) as exc:
        svc.add_dataset("d", org.division, **kw)
    assert message in exc.value.message_en and exc.value.message_th != exc.value.message_en
    assert not svc.visible_datasets(None).exists()


def test_adding_makes_no_connection_and_the_audit_trail_keeps_the_dsn_masked(org):
    dsn = f"postgresql://reader:{SECRET}@203.0.113.9:5432/hr"  # unreachable: never asked at add time
    ds = svc.add_dataset("hr", org.division, every_s=3600, source="sql", dsn=dsn, query="SELECT 1", actor="t")
    assert svc.masked_dsn(ds) == "postgresql://reader:***@203.0.113.9:5432/hr"
    svc.update_dataset(ds, actor="t", every_s=7200)
    entries = AuditEntry.objects.filter(object_type="data.dataset")
    assert {e.action for e in entries} == {"data.dataset.add", "data.dataset.update"}
    for e in entries:
        assert SECRET not in str(e.before) + str(e.after)
    assert entries.get(action="data.dataset.update").after["every_s"] == 7200
    with pytest.raises(InvalidInput, match="already exists"):
        svc.add_dataset("hr", org.division, every_s=3600, source="file", path="/x")


def test_a_reading_is_judged_at_its_moment(org, tmp_path):
    ds = _sql(org, tmp_path)
    current = rd.read_dataset(ds, T0 + timedelta(hours=2))
    assert current.ok and current.last_update == T0 and current.late is False and current.late_by_s == 0
    late = rd.read_dataset(ds, T0 + timedelta(days=1, hours=1))
    assert late.late is True and late.late_by_s == 3600
    assert late.duration_ms is not None


def test_a_file_and_an_import_log_dataset(org, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("x")
    os.utime(f, (T0.timestamp(), T0.timestamp()))
    ds = svc.add_dataset("export", org.division, every_s=3600, source="file", path=str(f))
    assert rd.read_dataset(ds, T0 + timedelta(minutes=5)).last_update == T0
    log = tmp_path / "import.log"
    log.write_text("01/12/2569 10:00 นำเข้าข้อมูลหนังสือเดินทาง สำเร็จ\n01/12/2569 11:00 นำเข้า ล้มเหลว\n")
    ds = svc.add_dataset(
        "passport-log",
        org.division,
        every_s=3600,
        source="import_log",
        path=str(log),
        pattern=r"^(?P<at>\S+ \S+) นำเข้าข้อมูลหนังสือเดินทาง สำเร็จ",
    )
    r = rd.read_dataset(ds, T0 + timedelta(hours=1))
    assert r.ok and r.last_update == T0 and r.late is False  # 10:00 Bangkok


def test_the_owner_is_told_once_when_the_dataset_turns_late_and_when_its_read_fails(org, locmem_mail):
    owner = add_person(org.division, "สมศรี", "ดูแลข้อมูล", email="owner@agency.example")
    ds = svc.add_dataset("hr", org.division, every_s=3600, source="file", path="/x", owner=owner)

    def at(hours):
        return T0 + timedelta(hours=hours)

    fine = rd.record_reading(ds, at(0.5), last_update=T0)
    assert not fine.notified and len(mail.outbox) == 0
    late = rd.record_reading(ds, at(2), last_update=T0)
    assert late.late and late.notified and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@agency.example"]
    assert "ไม่เป็นปัจจุบัน" in mail.outbox[0].subject and "hr" in mail.outbox[0].body
    still = rd.record_reading(ds, at(3), last_update=T0)
    assert still.late and not still.notified and len(mail.outbox) == 1  # not on every reading
    back = rd.record_reading(ds, at(3.5), last_update=at(3.4))
    assert back.late is False and not back.notified
    failed = rd.record_reading(ds, at(4), last_update=None, error="no file at /x")
    assert failed.ok is False and failed.late is None and failed.notified and len(mail.outbox) == 2
    assert "อ่านชุดข้อมูล" in mail.outbox[1].subject
    again = rd.record_reading(ds, at(5), last_update=None, error="no file at /x")
    assert not again.notified and len(mail.outbox) == 2
    quiet = rd.record_reading(ds, at(7), last_update=T0, notify=False)
    assert quiet.late and not quiet.notified and len(mail.outbox) == 2


def test_a_failing_read_stores_no_secret_and_a_dataset_without_owner_is_not_notified(org, locmem_mail):
    dsn = f"sqlite:///nowhere/{SECRET}.db"
    ds = svc.add_dataset("s", org.division, every_s=3600, source="sql", dsn=dsn, query="SELECT 1")
    reading = rd.read_dataset(ds, T0)
    assert not reading.ok and "no SQLite database file" in reading.error
    assert not reading.notified and len(mail.outbox) == 0
    pw = f"postgresql://u:{SECRET}@127.0.0.1:1/x"
    ds2 = svc.add_dataset(
        "p", org.division, every_s=3600, source="sql", dsn=pw, query="SELECT 1", timeout_s=2
    )
    r2 = rd.read_dataset(ds2, T0)
    assert not r2.ok and SECRET not in r2.error and "u:***@127.0.0.1:1" in r2.error


def test_each_quality_kind_passes_and_fails(org, tmp_path):
    ds = _sql(org, tmp_path)
    rules = {
        "rows-ok": svc.add_rule(ds, "rows-ok", "row_count", table="people", min_value=1, max_value=10),
        "rows-few": svc.add_rule(ds, "rows-few", "row_count", table="people", min_value=5),
        "nulls-ok": svc.add_rule(ds, "nulls-ok", "null_rate", table="people", column="email", max_value=0.25),
        "nulls-bad": svc.add_rule(
            ds, "nulls-bad", "null_rate", table="people", column="email", max_value=0.05
        ),
        "assert-ok": svc.add_rule(
            ds, "assert-ok", "assertion", query="SELECT id FROM people WHERE name = ''"
        ),
        "assert-bad": svc.add_rule(
            ds, "assert-bad", "assertion", query="SELECT id FROM people WHERE email IS NULL"
        ),
        "broken": svc.add_rule(ds, "broken", "row_count", table="missing", min_value=1),
    }
    results = {r.rule.name: r for r in rd.check_dataset(ds, T0)[1]}
    assert {n for n, r in results.items() if r.passed} == {"rows-ok", "nulls-ok", "assert-ok"}
    assert results["rows-few"].value == 4 and results["nulls-bad"].value == 0.25
    assert results["assert-bad"].value == 1
    assert results["broken"].value is None and "no such table: missing" in results["broken"].error
    svc.remove_rule(rules["broken"])
    assert len(rd.check_dataset(ds, T0 + timedelta(hours=1))[1]) == 6


@pytest.mark.parametrize(
    "kind, kw, message",
    [
        ("row_count", {"table": "people"}, "--min, --max"),
        ("row_count", {"table": "people; DROP", "min_value": 1}, "plain or dotted identifier"),
        ("row_count", {"table": "people", "min_value": 5, "max_value": 1}, "above --max"),
        ("null_rate", {"table": "people", "column": "email", "max_value": 5}, "0–1"),
        ("null_rate", {"table": "people", "column": "e mail", "max_value": 0.1}, "--column"),
        ("assertion", {}, "--assert-sql"),
        ("median", {}, "unknown rule kind"),
    ],
)
def test_add_rule_checks_its_input(org, tmp_path, kind, kw, message):
    ds = _sql(org, tmp_path)
    with pytest.raises(InvalidInput) as exc:
        svc.add_rule(ds, "r", kind, **kw)
    assert message in exc.value.message_en


def test_a_rules_name_may_be_a_thai_sentence(org, tmp_path):
    ds = _sql(org, tmp_path)
    rule = svc.add_rule(
        ds, "เลขหนังสือเดินทางว่างไม่เกิน  ๑%", "null_rate", table="people", column="email", max_value=0.3
    )
    assert rule.name == "เลขหนังสือเดินทางว่างไม่เกิน ๑%"
    assert rd.run_rule(rule, T0).passed


def test_rules_need_an_sql_dataset(org):
    ds = svc.add_dataset("f", org.division, every_s=3600, source="file", path="/x")
    with pytest.raises(InvalidInput, match="SQL source"):
        svc.add_rule(ds, "r", "assertion", query="SELECT 1")


def test_run_due_reads_what_is_due_and_no_more(org, tmp_path):
    ds = _sql(org, tmp_path)
    svc.add_rule(ds, "rows", "row_count", table="people", min_value=1)
    removed = svc.add_dataset("old", org.division, every_s=3600, source="file", path="/x")
    svc.remove_dataset(removed)
    assert rd.run_due(T0) == 2  # the reading and the rule
    assert rd.run_due(T0 + timedelta(minutes=10)) == 0
    assert rd.run_due(T0 + timedelta(hours=1)) == 1  # read hourly; the rule waits a day
    assert rd.run_due(T0 + timedelta(days=1, hours=1)) == 2
    assert Reading.objects.filter(dataset=ds).count() == 3
    assert not Reading.objects.filter(dataset=removed).exists()
    assert QualityResult.objects.count() == 2
