"""The backups API: systems, runs, verifications, restore tests and compliance, limited to the
caller's units (a user of another unit gets 404), bad parameters answered with 400, adding a system
through the CLI's service with MANAGE."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lakthan.backups.models import BackupRun, RestoreTest, Verification
from lakthan.backups.services import runs, verify
from lakthan.backups.services.systems import add_system
from lakthan.core.models import RoleGrant
from lakthan.inventory.services import get_system
from tests.backups.conftest import cheap_repository
from tests.conftest import PASSWORD, api_key


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture
def backed_up(world, tmp_path, data_dir):
    """A system in A and one in B, each backed up, verified and restore-tested once (real restic)."""
    made = {}
    for code, unit in (("sys-a", world.a), ("sys-b", world.b)):
        repo = tmp_path / code
        system = add_system(
            code,
            unit=unit,
            klass="intranet",
            paths=[str(data_dir)],
            repo=str(repo),
            password_file=str(cheap_repository(repo, tmp_path / f"{code}.key")),
        )
        runs.run_backup(system)
        verify.verify(system, "1/1")
        verify.restore_test(system)
        made[code] = system
    return made


def ids(response) -> list:
    return [row["system"] for row in response.json()["results"]]


def test_a_user_reads_only_its_units_records(world, backed_up, django_user_model):
    c = api(world.users["auditor"])
    systems = c.get("/api/backup-systems/").json()["results"]
    assert [(s["name"], s["system"], s["unit"], s["klass"]) for s in systems] == [
        ("sys-a", "sys-a", "A", "intranet")
    ]
    assert systems[0]["policy"] == {"min_per_window": 2, "window": "iso_week"}
    assert "postgres_dsn" not in systems[0] and "password_file" not in systems[0]
    assert c.get("/api/backup-systems/sys-b/").status_code == 404
    assert c.get("/api/backup-systems/?unit=B").status_code == 404
    for prefix, model in (
        ("backup-runs", BackupRun),
        ("backup-verifications", Verification),
        ("backup-restore-tests", RestoreTest),
    ):
        assert ids(c.get(f"/api/{prefix}/")) == ["sys-a"]
        theirs = model.objects.get(system=backed_up["sys-b"])
        assert c.get(f"/api/{prefix}/{theirs.pk}/").status_code == 404
        ours = model.objects.get(system=backed_up["sys-a"])
        assert c.get(f"/api/{prefix}/{ours.pk}/").json()["system"] == "sys-a"
        assert c.get(f"/api/{prefix}/?system=sys-b").json()["results"] == []
    assert c.get("/api/backup-runs/").json()["results"][0]["status"] == "ok"
    # B's own reader sees B's and not A's
    reader = django_user_model.objects.create_user("b-reader", password=PASSWORD)
    RoleGrant.objects.create(user=reader, unit=world.b, role="auditor")
    b = api(reader)
    assert ids(b.get("/api/backup-runs/")) == ["sys-b"]
    assert b.get("/api/backup-systems/sys-a/").status_code == 404


def test_compliance_per_unit_and_period(world, backed_up):
    c = api(world.users["auditor"])
    today = backed_up["sys-a"].in_service_from
    answer = c.get(f"/api/backup-compliance/?unit=A&start={today.isoformat()}&end={today.isoformat()}")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["unit"], body["start"], body["end"]) == ("A", today.isoformat(), today.isoformat())
    assert [(r["system"], r["verified"], r["restored"]) for r in body["systems"]] == [("sys-a", True, True)]
    assert body["systems"][0]["policy"] == {"min_per_window": 2, "window": "iso_week"}
    assert c.get(f"/api/backup-compliance/?unit=B&start={today}&end={today}").status_code == 404
    assert c.get("/api/backup-compliance/?unit=NOPE&start=2026-01-01&end=2026-02-01").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "",
        "start=2026-01-01&end=2026-02-01",
        "unit=A",
        "unit=A&start=2026-13-01&end=2026-12-31",
        "unit=A&start=yesterday&end=2026-12-31",
        "unit=A&start=2026-01-01&end=",
        "unit=A&start=2026-03-01&end=2026-02-01",
        "unit=A&start=2010-01-01&end=2026-01-01",
        "unit=A&start=0001-01-01&end=0001-01-02",
        "unit=A&start=9999-12-30&end=9999-12-31",
        "unit=no%20such&start=2026-01-01&end=2026-02-01",
        "unit=%00&start=2026-01-01&end=2026-02-01",
    ],
)
def test_bad_compliance_parameters_are_400(world, query):
    answer = api(world.users["auditor"]).get(f"/api/backup-compliance/?{query}")
    assert answer.status_code == 400, (query, answer.status_code)


def test_adding_a_system_needs_manage_and_uses_the_service(world, tmp_path, data_dir):
    body = {
        "name": "hr",
        "unit": "A-1",
        "klass": "internet",
        "paths": [str(data_dir)],
        "repo": str(tmp_path / "hr"),
        "title": "ระบบบุคลากร",
        "importance": "low",
    }
    assert api(world.users["supervisor"]).post("/api/backup-systems/", body, format="json").status_code == 403
    admin = api(world.users["admin"])
    assert admin.post("/api/backup-systems/", {**body, "unit": "B"}, format="json").status_code == 404
    missing = admin.post("/api/backup-systems/", {**body, "paths": ["/does/not/exist"]}, format="json")
    assert missing.status_code == 400 and missing.json()["detail"] == "path /does/not/exist does not exist"
    created = admin.post("/api/backup-systems/", body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["name"], created.json()["unit"], created.json()["klass"]) == (
        "hr",
        "A-1",
        "internet",
    )
    inventory = get_system("hr")
    assert (inventory.name_th, inventory.criticality, inventory.backup.name) == ("ระบบบุคลากร", 2, "hr")
    assert admin.post("/api/backup-systems/", body, format="json").status_code == 400


def test_the_schema_lists_the_backup_endpoints(world):
    paths = api(world.users["auditor"]).get("/api/schema/?format=json").json()["paths"]
    for path in (
        "/api/backup-systems/",
        "/api/backup-systems/{name}/",
        "/api/backup-runs/{id}/",
        "/api/backup-verifications/{id}/",
        "/api/backup-restore-tests/{id}/",
        "/api/backup-compliance/",
    ):
        assert path in paths
