"""The API of the access pages: sources (a sync started as a job needs DECIDE), findings as of a day
by kind and unit, the roster's imports; every endpoint in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.access.test_access_pages import agency, immediate_huey  # noqa: F401 — fixtures
from tests.conftest import api_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_sources_are_listed_for_my_units_and_a_sync_needs_decide(
    agency,  # noqa: F811
    immediate_huey,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    auditor, reviewer = api(agency.users["auditor"]), api(agency.users["reviewer"])

    listed = auditor.get("/api/access/sources/").json()["results"]
    assert [(s["name"], s["system"], s["unit"], s["last_sync"]["accounts_seen"]) for s in listed] == [
        ("a-app-users", "a-app", "A", 4)
    ]
    assert "password_file" not in listed[0]
    assert auditor.get("/api/access/sources/b-app-users/").status_code == 404
    assert auditor.post("/api/access/sources/a-app-users/sync/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        started = reviewer.post("/api/access/sources/a-app-users/sync/")
    assert started.status_code == 202 and started.json()["kind"] == "access.sync"
    assert auditor.get("/api/access/sources/a-app-users/").json()["last_sync"]["status"] == "ok"


def test_findings_by_day_kind_and_unit_and_the_roster_imports(agency):  # noqa: F811
    auditor = api(agency.users["auditor"])

    leavers = auditor.get("/api/access/findings/?as_of=2013-09-30&kind=leaver_active").json()["results"]
    early = auditor.get("/api/access/findings/?as_of=2013-02-01&kind=leaver_active").json()["results"]
    in_a1 = auditor.get("/api/access/findings/?as_of=2013-09-30&unit=A-1").json()

    assert [(f["account"], f["person"], f["detail"]["status"]) for f in leavers] == [
        ("a-app-users:kanda", "A02", "resigned")
    ]
    assert early == []
    assert in_a1["count"] == 0  # A-1 has no system of its own
    assert auditor.get("/api/access/findings/?unit=B").status_code == 404
    assert auditor.get("/api/access/findings/?kind=nope").status_code == 400
    assert auditor.get("/api/access/findings/?as_of=2013-13-01").status_code == 400
    imports = auditor.get("/api/access/roster-imports/").json()["results"]
    assert [(i["file_name"], i["rows"], i["added"], len(i["sha256"])) for i in imports] == [
        ("roster.csv", 4, 4, 64)
    ]


def test_the_access_endpoints_are_in_the_openapi_schema(client, world):
    schema = client.get("/api/schema/").content
    for path in (
        b"/api/access/sources/",
        b"/api/access/sources/{name}/",
        b"/api/access/sources/{name}/sync/",
        b"/api/access/findings/",
        b"/api/access/roster-imports/",
    ):
        assert path in schema
    assert b"as_of" in schema
