"""The inventory's side of item 4: where a system is installed, declared on the system's edit page, by
the service (audited) and read through the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.core.services import add_unit
from lakthan.inventory import services
from tests.conftest import api_key
from tests.operations import usage_fixtures

_password_only = usage_fixtures._password_only


@pytest.fixture
def pibics(world):
    add_unit("CP1", "ด่านตรวจ ๑", parent="A-1", kind="checkpoint")
    return services.add_system("pibics", name_th="ระบบตรวจคนเข้าเมือง", unit=world.a, klass="intranet")


def test_the_edit_page_declares_the_units(client, world, pibics):
    client.force_login(world.users["admin"])
    form = client.get("/inventory/systems/pibics/edit/").content.decode()
    assert 'name="installed_at"' in form and 'value="CP1"' in form and 'value="B"' not in form
    response = client.post(
        "/inventory/systems/pibics/edit/",
        {
            "name_th": "ระบบตรวจคนเข้าเมือง",
            "unit": "A",
            "klass": "intranet",
            "criticality": "3",
            "active": "on",
            "installed_at": ["A-1", "CP1"],
        },
    )
    assert response.status_code == 302
    assert sorted(u.code for u in pibics.installed_at.all()) == ["A-1", "CP1"]
    entry = AuditEntry.objects.get(action="inventory.system.installed_at")
    assert (entry.actor, entry.after["installed_at"]) == ("admin-a", ["A-1", "CP1"])
    detail = client.get("/inventory/systems/pibics/").content.decode()
    assert "ด่านตรวจ ๑" in detail
    edit = client.get("/inventory/systems/pibics/edit/").content.decode()
    assert 'value="CP1" selected' in edit


def test_a_unit_the_editor_may_not_manage_keeps_its_declaration(client, world, pibics):
    services.set_installed_at(pibics, [world.b])  # declared by someone who manages B
    client.force_login(world.users["admin"])
    client.post(
        "/inventory/systems/pibics/edit/",
        {"name_th": "ระบบ", "unit": "A", "klass": "intranet", "criticality": "3", "installed_at": ["CP1"]},
    )
    assert sorted(u.code for u in pibics.installed_at.all()) == ["B", "CP1"]


def test_the_service_replaces_the_set_and_audits_only_a_change(world, pibics):
    services.set_installed_at(pibics, [world.a1, world.a1], actor="alice")
    services.set_installed_at(pibics, [world.a1], actor="bob")  # no change: no entry
    entries = AuditEntry.objects.filter(action="inventory.system.installed_at")
    assert [(e.actor, e.before, e.after["installed_at"]) for e in entries] == [
        ("alice", {"installed_at": []}, ["A-1"])
    ]
    services.add_host("h1", unit=world.b, systems=[pibics])
    assert {u.code for u in services.installations(pibics)} == {"A-1", "B"}
    with pytest.raises(InvalidInput):
        services.set_installed_at(pibics, ["A-1"])  # type: ignore[list-item]
    assert [u.code for u in pibics.installed_at.all()] == ["A-1"]


def test_the_api_shows_the_declared_units(world, pibics):
    services.set_installed_at(pibics, [world.a1])
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world.users['auditor'], 'read')}")
    assert c.get("/api/systems/pibics/").json()["installed_at"] == ["A-1"]
