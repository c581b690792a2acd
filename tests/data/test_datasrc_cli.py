"""`lakthan data dataset …`, `data rule …` and `data check`: output, --json, exit codes (0 all well,
1 a read failed, a dataset late or a rule failed, 2 bad input), the password never printed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from lakthan.data.models import Dataset
from lakthan.evidence.models import Evidence
from tests.conftest import pdf_bytes
from tests.data.datasrc_fixtures import SECRET, sqlite_source

pytestmark = pytest.mark.django_db


def run(*args):
    from lakthan.cli import main

    return CliRunner().invoke(main, list(args))


def test_add_list_check_rules_and_remove(cli, org, tmp_path):
    dsn, _ = sqlite_source(tmp_path)
    r = cli(
        "data", "dataset", "add", "passports", "--unit", "B-IT", "--owner", str(org.collector.pk),
        "--every", "1d", "--sql", dsn, "--query", "SELECT max(at) FROM imports", "--tz", "UTC", "--timeout", "5s",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "dataset passports added (sql sqlite://" in r.output
    (row,) = json.loads(cli("data", "dataset", "list", "--json").output)
    assert row["dsn"] == dsn and row["tz"] == "UTC" and row["timeout_s"] == 5 and row["every_s"] == 86400
    assert row["owner"] == org.collector.display_name and row["last_reading"] is None
    assert (
        cli(
            "data", "rule", "add", "passports", "rows", "--row-count", "--table", "people", "--min", "1"
        ).exit_code
        == 0
    )
    r = cli(
        "data",
        "rule",
        "add",
        "passports",
        "emails",
        "--null-rate",
        "--table",
        "people",
        "--column",
        "email",
        "--max",
        "0.05",
    )
    assert r.exit_code == 0 and "rule emails added to passports (null_rate)" in r.output
    r = run(
        "data", "check", "passports"
    )  # last update 1 Dec 2026 10:00 UTC: long past a day, and a rule fails
    assert r.exit_code == 1
    assert "passports: late by" in r.output and "rule emails: failed (0.25)" in r.output
    assert "rule rows: passed (4)" in r.output
    (checked,) = json.loads(run("data", "check", "passports", "--json").output)
    assert checked["ok"] and checked["late"] and checked["last_update"] == "2026-12-01T10:00:00Z"
    assert {x["name"]: x["passed"] for x in checked["rules"]} == {"emails": False, "rows": True}
    rules = json.loads(cli("data", "rule", "list", "--json").output)
    assert {x["name"]: x["last_result"]["passed"] for x in rules} == {"emails": False, "rows": True}
    assert "passports" in cli("data", "dataset", "list").output
    assert cli("data", "rule", "remove", "passports", "emails").exit_code == 0
    assert cli("data", "dataset", "remove", "passports").exit_code == 0
    assert json.loads(cli("data", "dataset", "list", "--json").output) == []
    assert Dataset.objects.get(name="passports").readings.count() == 2  # history kept


def test_check_exits_0_when_current(cli, org, tmp_path):
    log = tmp_path / "import.log"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    log.write_text(f"{now} import OK\n")
    r = cli(
        "data",
        "dataset",
        "add",
        "log",
        "--unit",
        "B-IT",
        "--every",
        "1h",
        "--import-log",
        str(log),
        "--pattern",
        r"^(?P<at>\S+) import OK",
    )
    assert r.exit_code == 0, r.output
    r = run("data", "check", "--all")
    assert r.exit_code == 0 and "log: current (last update" in r.output


def test_a_wrong_dsn_fails_with_exit_1_and_never_prints_the_password(cli, org):
    dsn = f"postgresql://reader:{SECRET}@127.0.0.1:1/hr"
    r = cli(
        "data",
        "dataset",
        "add",
        "hr",
        "--unit",
        "B-IT",
        "--every",
        "1h",
        "--sql",
        dsn,
        "--query",
        "SELECT now()",
        "--timeout",
        "3s",
    )
    assert r.exit_code == 0 and SECRET not in r.output and "reader:***@127.0.0.1:1/hr" in r.output
    r = run("data", "check", "hr")
    assert r.exit_code == 1 and "hr: read failed - อ่านฐานข้อมูลไม่สำเร็จ" in r.output
    assert SECRET not in r.output
    for args in (
        ("data", "dataset", "list", "--json"),
        ("data", "dataset", "list"),
        ("data", "check", "hr", "--json"),
    ):
        assert SECRET not in run(*args).output


def test_an_env_dsn_is_stored_as_written(cli, org, tmp_path, monkeypatch):
    dsn, _ = sqlite_source(tmp_path)
    monkeypatch.setenv("LAKTHAN_TEST_HR_DSN", dsn)
    r = cli(
        "data",
        "dataset",
        "add",
        "hr",
        "--unit",
        "B-IT",
        "--every",
        "1h",
        "--sql",
        "env:LAKTHAN_TEST_HR_DSN",
        "--query",
        "SELECT max(at_zoned) FROM imports",
    )
    assert r.exit_code == 0
    assert Dataset.objects.get(name="hr").dsn == "env:LAKTHAN_TEST_HR_DSN"
    (checked,) = json.loads(run("data", "check", "hr", "--json").output)
    assert checked["ok"] and checked["last_update"] == "2026-12-01T10:00:00Z"


def test_the_owners_order_is_registered_as_evidence(cli, org, tmp_path):
    order = tmp_path / "order.pdf"
    order.write_bytes(pdf_bytes("order"))
    f = tmp_path / "x.csv"
    f.write_text("x")
    r = cli(
        "data", "dataset", "add", "x", "--unit", "B-IT", "--every", "1d", "--file", str(f),
        "--owner", org.collector.display_name, "--owner-order", str(order), "--order-no", "12/2569", "--order-date", "2026-11-01",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    ds = Dataset.objects.get(name="x")
    assert ds.owner == org.collector and ds.owner_order.doc_no == "12/2569" and ds.owner_order.kind == "order"
    (row,) = json.loads(cli("data", "dataset", "list", "--json").output)
    assert row["owner_order"] == {"id": ds.owner_order.pk, "doc_no": "12/2569", "doc_date": "2026-11-01"}
    # a dataset refused after the order was stored leaves neither behind
    before = Evidence.objects.count()
    r = run(
        "data", "dataset", "add", "y", "--unit", "B-IT", "--every", "1d", "--file", str(f), "--tz", "Nowhere/City",
        "--owner", str(org.collector.pk), "--owner-order", str(order), "--order-no", "13/2569", "--order-date", "2026-11-02",
    )  # fmt: skip
    assert r.exit_code == 2 and "Nowhere/City" in r.output
    assert Evidence.objects.count() == before and not Dataset.objects.filter(name="y").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (("--every", "1d"), "one source"),
        (("--every", "1d", "--file", "/x", "--sql", "sqlite:///x.db"), "one source"),
        (("--every", "soon", "--file", "/x"), "--every 'soon'"),
        (("--every", "1d", "--file", "/x", "--timeout", "x"), "--timeout"),
        (("--every", "1d", "--sql", "sqlite:///x.db"), "--query"),
        (("--every", "1d", "--sql", "postgresql+psycopg://u@h/x", "--query", "SELECT 1"), "unknown DSN"),
        (("--every", "1d", "--import-log", "/x.log", "--pattern", r"(\d+) OK"), "group named 'at'"),
        (("--every", "1d", "--file", "/x", "--tz", "Bangkok"), "unknown time zone"),
        (("--every", "1d", "--file", "/x", "--owner", "nobody here"), "--owner"),
        (("--every", "1d", "--file", "/x", "--owner-order-evidence", "99999"), "99999"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(org, args, message):
    r = run("data", "dataset", "add", "d", "--unit", "B-IT", *args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert not Dataset.objects.exists()


def test_check_and_rule_bad_input(org):
    assert run("data", "check").exit_code == 2
    r = run("data", "check", "ghost")
    assert r.exit_code == 2 and "ghost" in r.output
    r = run("data", "rule", "add", "ghost", "r", "--row-count", "--table", "t", "--min", "1")
    assert r.exit_code == 2 and "ghost" in r.output
    r = run("data", "rule", "add", "ghost", "r", "--table", "t")
    assert r.exit_code == 2 and "--row-count" in r.output
    assert os.environ.get("LAKTHAN_TEST_HR_DSN") is None
