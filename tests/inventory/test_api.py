"""/api/systems/ and /api/hosts/: reads limited to the caller's units, changes with MANAGE only,
bad input answered with 400 and both messages, never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lakthan.core.models import AuditEntry
from lakthan.core.services import add_person
from lakthan.inventory import services
from tests.conftest import api_key


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture
def systems(world):
    a = services.add_system("pibics", name_th="ระบบ PIBICS", unit=world.a, klass="intranet", criticality=5)
    services.add_system("tm30", name_th="ระบบ ตม.๓๐", unit=world.a1, klass="internet")
    b = services.add_system("secret-b", name_th="ระบบของ ข", unit=world.b, klass="intranet")
    services.add_host("db-a", unit=world.a, addresses=["10.0.0.1"], systems=[a], role="database")
    services.add_host("db-b", unit=world.b, systems=[b])


NEW = {"code": "hr", "name_th": "ระบบบุคลากร", "unit": "A-1", "klass": "intranet", "criticality": 4}


def test_reads_are_limited_to_the_callers_units(world, systems):
    c = api(world.users["auditor"])
    listed = c.get("/api/systems/").json()["results"]
    assert [(s["code"], s["unit"], s["hosts"], s["backup"]) for s in listed] == [
        ("pibics", "A", ["db-a"], None),
        ("tm30", "A-1", [], None),
    ]
    assert c.get("/api/systems/pibics/").json()["criticality"] == 5
    assert c.get("/api/systems/secret-b/").status_code == 404
    assert [s["code"] for s in c.get("/api/systems/?unit=A-1").json()["results"]] == ["tm30"]
    assert c.get("/api/systems/?unit=B").status_code == 404
    assert c.get("/api/systems/?unit=no such").status_code == 400
    assert [h["name"] for h in c.get("/api/hosts/").json()["results"]] == ["db-a"]
    assert c.get("/api/hosts/db-b/").status_code == 404
    assert c.get("/api/hosts/db-a/").json()["systems"] == ["pibics"]
    assert [h["name"] for h in c.get("/api/hosts/?system=pibics").json()["results"]] == ["db-a"]
    assert c.get("/api/hosts/?system=secret-b").json()["results"] == []


@pytest.mark.parametrize("role", ["supervisor", "collector", "reviewer", "auditor"])
def test_changes_need_manage(world, systems, role):
    c = api(world.users[role])
    assert c.post("/api/systems/", NEW, format="json").status_code == 403
    assert c.put("/api/systems/pibics/", {**NEW, "unit": "A"}, format="json").status_code == 403
    assert c.post("/api/hosts/", {"name": "h", "unit": "A"}, format="json").status_code == 403
    assert not services.list_systems().filter(code="hr").exists()


def test_an_administrator_adds_and_changes_systems(world, systems):
    c = api(world.users["admin"])
    created = c.post("/api/systems/", {**NEW, "owner": None}, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["unit"], created.json()["criticality"]) == ("A-1", 4)
    assert AuditEntry.objects.filter(action="inventory.system.add", actor="admin-a").count() == 1
    again = c.post("/api/systems/", NEW, format="json")
    assert again.status_code == 400
    assert again.json() == {
        "detail": "an information system with code hr already exists",
        "detail_th": "มีระบบรหัส hr อยู่แล้ว",
    }
    assert c.post("/api/systems/", {**NEW, "code": "b1", "unit": "B"}, format="json").status_code == 404
    assert c.post("/api/systems/", {**NEW, "code": "x", "criticality": 6}, format="json").status_code == 400
    assert c.post("/api/systems/", {**NEW, "code": "x", "owner": 999999}, format="json").status_code == 400
    outsider = add_person(world.b, "คนนอก", "หน่วย ข")
    foreign_owner = c.post("/api/systems/", {**NEW, "code": "x", "owner": outsider.pk}, format="json")
    assert foreign_owner.status_code == 400 and foreign_owner.json() == {"owner": f"no person {outsider.pk}"}
    insider = world.users["supervisor"].person
    owned = c.post(
        "/api/systems/", {**NEW, "code": "owned", "owner": insider.pk, "active": False}, format="json"
    )
    assert owned.status_code == 201 and owned.json()["owner"] == insider.pk
    assert services.get_system("owned").active  # a new system is in service
    assert c.post("/api/systems/", {**NEW, "code": "bad code"}, format="json").status_code == 400
    changed = c.put(
        "/api/systems/hr/", {**NEW, "unit": "A", "criticality": 1, "active": False}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    hr = services.get_system("hr")
    assert (hr.unit, hr.criticality, hr.active) == (world.a, 1, False)
    assert c.put("/api/systems/secret-b/", {**NEW, "unit": "A"}, format="json").status_code == 404


def test_an_administrator_adds_and_changes_hosts(world, systems):
    c = api(world.users["admin"])
    host = {"name": "web-a", "unit": "A", "addresses": ["192.0.2.1", "2001:DB8::1"], "systems": ["pibics"]}
    created = c.post("/api/hosts/", host, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["addresses"] == ["192.0.2.1", "2001:db8::1"]
    assert (
        c.post("/api/hosts/", {**host, "name": "x", "addresses": ["300.1.1.1"]}, format="json").status_code
        == 400
    )
    hidden = c.post("/api/hosts/", {**host, "name": "x", "systems": ["secret-b"]}, format="json")
    assert hidden.status_code == 400 and not services.list_hosts().filter(name="x").exists()
    changed = c.put("/api/hosts/web-a/", {"unit": "A-1", "systems": [], "role": "web"}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["unit"], changed.json()["systems"], changed.json()["addresses"]) == ("A-1", [], [])
    assert c.put("/api/hosts/db-b/", {"unit": "A"}, format="json").status_code == 404


def test_the_schema_lists_the_inventory(world):
    schema = api(world.users["auditor"]).get("/api/schema/?format=json").json()
    for path in ("/api/systems/", "/api/systems/{code}/", "/api/hosts/", "/api/hosts/{name}/"):
        assert path in schema["paths"]
    assert {"get", "post"} <= set(schema["paths"]["/api/systems/"])
    assert "put" in schema["paths"]["/api/systems/{code}/"]
