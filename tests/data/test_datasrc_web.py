"""The dataset pages and API with roles: a viewer sees the datasets of their units (never another
unit's, never a password), a collector adds datasets and rules and reads them now; the browser shows
the list and the add form at 1366 px."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from lakthan.data.models import Dataset, QualityRule, Reading
from lakthan.data.services import datasets as svc
from lakthan.data.services import reading as rd
from tests.conftest import api_key
from tests.data.datasrc_fixtures import SECRET, sqlite_source

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def sets(world, tmp_path):
    dsn, _ = sqlite_source(tmp_path)
    ours = svc.add_dataset(
        "passports", world.a, every_s=86400, source="sql", dsn=dsn, query="SELECT max(at) FROM imports"
    )
    svc.add_rule(ours, "rows", "row_count", table="people", min_value=1)
    wrong = svc.add_dataset(
        "hr",
        world.a1,
        every_s=3600,
        source="sql",
        dsn=f"postgresql://reader:{SECRET}@127.0.0.1:1/hr",
        query="SELECT now()",
        timeout_s=2,
    )
    theirs = svc.add_dataset("elsewhere", world.b, every_s=3600, source="file", path="/etc/hostname")
    rd.check_dataset(ours, T0)
    rd.read_dataset(wrong, T0)
    return {"ours": ours, "wrong": wrong, "theirs": theirs, "dsn": dsn}


def test_pages_show_the_units_datasets_without_a_password(client, world, sets):
    client.force_login(world.users["auditor"])
    page = client.get("/data/datasets/")
    text = page.content.decode()
    assert page.status_code == 200 and "passports" in text and "hr" in text and "elsewhere" not in text
    assert SECRET not in text and "reader:***@127.0.0.1:1/hr" in text
    assert "อ่านไม่สำเร็จ" in text or "read failed" in text
    detail = client.get(f"/data/datasets/{sets['wrong'].pk}/").content.decode()
    assert SECRET not in detail and "reader:***@127.0.0.1:1/hr" in detail
    assert "Connection refused" in detail
    ours = client.get(f"/data/datasets/{sets['ours'].pk}/").content.decode()
    assert 'data-rule="rows"' in ours and "SELECT max(at) FROM imports" in ours
    assert "check/" not in ours  # the auditor may not read it now
    assert client.get(f"/data/datasets/{sets['theirs'].pk}/").status_code == 404
    assert client.post(f"/data/datasets/{sets['ours'].pk}/check/").status_code == 403
    assert client.get("/data/datasets/add/").status_code == 403
    quality = client.get("/data/quality/").content.decode()
    assert 'data-rule="rows"' in quality and "rule-form" not in quality


def test_readings_are_paginated_newest_first(client, world, sets):
    ds = sets["ours"]
    Reading.objects.bulk_create(
        Reading(
            dataset=ds,
            at=datetime(2026, 11, 1, tzinfo=UTC).replace(hour=h % 24, day=1 + h // 24),
            ok=True,
            last_update=T0,
            late=False,
            late_by_s=0,
        )
        for h in range(60)
    )
    client.force_login(world.users["auditor"])
    first = client.get(f"/data/datasets/{ds.pk}/").content.decode()
    assert "๑ ธ.ค." in first or "1 ธ.ค." in first  # the newest (1 Dec) first
    assert 'rel="next"' in first
    second = client.get(f"/data/datasets/{ds.pk}/?page=2").content.decode()
    assert 'rel="prev"' in second


def test_a_collector_adds_a_dataset_and_a_rule_and_checks_it_now(client, world, sets, tmp_path, locmem_mail):
    client.force_login(world.users["collector"])
    log = tmp_path / "import.log"
    log.write_text("2026-12-01 10:00:00 import OK\n")
    form = {
        "name": "import-log",
        "unit": "A",
        "every": "1h",
        "source": "import_log",
        "path": str(log),
        "pattern": r"^(?P<at>\S+ \S+) import OK",
        "tz": "Asia/Bangkok",
        "timeout_s": "30",
    }
    bad = client.post("/data/datasets/add/", {**form, "pattern": r"^(\S+ \S+) import OK"})
    assert (
        bad.status_code == 200
        and "at" in bad.content.decode()
        and not Dataset.objects.filter(name="import-log").exists()
    )
    made = client.post("/data/datasets/add/", form)
    ds = Dataset.objects.get(name="import-log")
    assert made.status_code == 302 and made.url == f"/data/datasets/{ds.pk}/"
    checked = client.post(f"/data/datasets/{ds.pk}/check/")
    assert checked.status_code == 302
    (reading,) = ds.readings.all()
    assert reading.ok and reading.last_update == T0
    other_unit = client.post("/data/datasets/add/", {**form, "name": "b-log", "unit": "B"})
    assert other_unit.status_code == 200 and not Dataset.objects.filter(name="b-log").exists()
    rule = {
        "dataset": str(sets["ours"].pk),
        "name": "emails",
        "kind": "null_rate",
        "table": "people",
        "column": "email",
        "max_value": "0.5",
    }
    assert client.post("/data/quality/", rule).status_code == 302
    assert QualityRule.objects.filter(name="emails", dataset=sets["ours"]).exists()
    refused = client.post("/data/quality/", {**rule, "name": "e2", "table": "people; drop"})
    assert refused.status_code == 200 and "people; drop" in refused.content.decode()


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_api_lists_creates_checks_and_never_returns_the_password(world, sets):
    auditor, collector = api(world.users["auditor"]), api(world.users["collector"])
    listed = auditor.get("/api/data/datasets/")
    assert listed.status_code == 200 and SECRET not in listed.content.decode()
    rows = {d["name"]: d for d in listed.json()}
    assert set(rows) == {"passports", "hr"}
    assert rows["hr"]["dsn"] == "postgresql://reader:***@127.0.0.1:1/hr"
    assert rows["hr"]["last_reading"]["ok"] is False and SECRET not in rows["hr"]["last_reading"]["error"]
    assert rows["passports"]["last_reading"]["last_update"] == "2026-12-01T03:00:00Z"
    one = auditor.get(f"/api/data/datasets/{sets['wrong'].pk}/")
    assert one.status_code == 200 and SECRET not in one.content.decode()
    assert auditor.get(f"/api/data/datasets/{sets['theirs'].pk}/").status_code == 404
    body = {
        "name": "api-set",
        "unit": "A",
        "every": "1d",
        "source": "sql",
        "dsn": f"postgresql://u:{SECRET}@h/db",
        "query": "SELECT 1",
    }
    assert auditor.post("/api/data/datasets/", body, format="json").status_code == 403
    bad = collector.post("/api/data/datasets/", {**body, "dsn": "redis://h"}, format="json")
    assert bad.status_code == 400 and "detail_th" in bad.json()
    made = collector.post("/api/data/datasets/", body, format="json")
    assert (
        made.status_code == 201
        and made.json()["dsn"] == "postgresql://u:***@h/db"
        and SECRET not in made.content.decode()
    )
    assert auditor.post(f"/api/data/datasets/{sets['ours'].pk}/check/").status_code == 403
    ran = collector.post(f"/api/data/datasets/{sets['ours'].pk}/check/")
    assert ran.status_code == 200 and ran.json()["reading"]["ok"] is True
    assert ran.json()["rules"][0]["name"] == "rows" and ran.json()["rules"][0]["passed"] is True
    rules = auditor.get("/api/data/rules/").json()
    assert [(r["dataset"], r["name"], r["last_result"]["passed"]) for r in rules] == [
        ("passports", "rows", True)
    ]
    rule = {
        "dataset": sets["ours"].pk,
        "name": "names",
        "kind": "assertion",
        "query": "SELECT id FROM people WHERE name IS NULL",
    }
    assert auditor.post("/api/data/rules/", rule, format="json").status_code == 403
    assert collector.post("/api/data/rules/", rule, format="json").status_code == 201
    assert (
        collector.post("/api/data/rules/", {**rule, "dataset": sets["theirs"].pk}, format="json").status_code
        == 400
    )


def test_the_api_is_in_the_schema(world):
    schema = api(world.users["auditor"]).get("/api/schema/").content.decode()
    assert "/api/data/datasets/{id}/check/" in schema and "/api/data/rules/" in schema


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_list_and_the_add_form_in_a_browser(live_server, world, sets, chromium_page, tmp_path, settings):
    settings.LAKTHAN_REQUIRE_2FA = False
    shots = Path(os.environ.get("LAKTHAN_SHOTS", tmp_path))
    page = chromium_page
    page.goto(f"{live_server.url}/accounts/login/?next=/data/datasets/")
    page.fill("#id_username", "collector-a")
    page.fill("#id_password", world.password)
    page.click("button.primary")
    page.wait_for_url("**/data/datasets/")
    assert page.locator("tr[data-dataset=passports]").count() == 1
    assert SECRET not in page.content()
    page.screenshot(path=str(shots / "datasets.png"), full_page=True)
    page.goto(live_server.url + "/data/datasets/add/")
    page.fill("input[name=name]", "browser-file")
    page.check("input[name=source][value=file]")
    page.fill("input[name=path]", "/etc/hostname")
    page.screenshot(path=str(shots / "dataset-add.png"), full_page=True)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/data/datasets/*/")
    assert page.locator("h1").inner_text() == "browser-file"
    page.click("header.pagehead button[type=submit]")
    page.wait_for_url("**/data/datasets/*/")
    assert page.locator("table[data-testid=readings] tbody tr").count() == 1
    page.screenshot(path=str(shots / "dataset.png"), full_page=True)
    page.goto(live_server.url + "/data/quality/")
    page.screenshot(path=str(shots / "quality.png"), full_page=True)
