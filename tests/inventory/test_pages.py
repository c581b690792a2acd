"""The inventory pages with the Django test client: scope by unit, who may add and edit, errors shown."""

from __future__ import annotations

import pytest

from lakthan.core.models import AuditEntry
from lakthan.inventory import services


@pytest.fixture
def systems(world):
    a = services.add_system("pibics", name_th="ระบบ PIBICS", unit=world.a, klass="intranet", criticality=5)
    a1 = services.add_system("tm30", name_th="ระบบ ตม.๓๐", unit=world.a1, klass="internet")
    b = services.add_system("secret-b", name_th="ระบบของ ข", unit=world.b, klass="intranet")
    services.add_host("db-a", unit=world.a, addresses=["10.0.0.1"], systems=[a], role="database")
    services.add_host("db-b", unit=world.b, addresses=["10.9.9.9"], systems=[b])
    return {"a": a, "a1": a1, "b": b}


def test_a_reader_sees_its_units_systems_only(client, world, systems):
    client.force_login(world.users["auditor"])
    page = client.get("/inventory/").content.decode()
    assert "pibics" in page and "tm30" in page and "secret-b" not in page
    assert "/inventory/systems/add/" not in page  # no add button for a read-only role
    assert 'href="/inventory/"' in page  # the menu entry
    assert "<h1>ระบบสารสนเทศ</h1>" in page  # in Thai by default
    detail = client.get("/inventory/systems/pibics/").content.decode()
    assert "db-a" in detail and "10.0.0.1" in detail
    assert client.get("/inventory/systems/secret-b/").status_code == 404
    hosts = client.get("/inventory/hosts/").content.decode()
    assert "db-a" in hosts and "db-b" not in hosts
    assert client.get("/inventory/?unit=B").status_code == 404
    assert client.get("/inventory/hosts/?unit=%00").status_code == 404
    only_a1 = client.get("/inventory/?unit=A-1").content.decode()
    assert "tm30" in only_a1 and "pibics" not in only_a1


@pytest.mark.parametrize("role", ["supervisor", "collector", "reviewer", "auditor"])
def test_only_managers_may_add_or_edit(client, world, systems, role):
    client.force_login(world.users[role])
    assert client.get("/inventory/systems/add/").status_code == 403
    assert client.get("/inventory/systems/pibics/edit/").status_code == 403
    assert client.get("/inventory/hosts/add/").status_code == 403
    response = client.post(
        "/inventory/systems/add/",
        {"code": "new", "name_th": "ใหม่", "unit": "A", "klass": "intranet", "criticality": "3"},
    )
    assert response.status_code == 403
    assert not services.list_systems().filter(code="new").exists()


def test_an_administrator_adds_and_edits_a_system(client, world, systems):
    client.force_login(world.users["admin"])
    form = client.get("/inventory/systems/add/").content.decode()
    assert 'value="A-1"' in form and 'value="B"' not in form  # only units the user manages
    response = client.post(
        "/inventory/systems/add/",
        {
            "code": "hr",
            "name_th": "ระบบบุคลากร",
            "name_en": "HR",
            "unit": "A-1",
            "klass": "intranet",
            "criticality": "4",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/inventory/systems/hr/"
    hr = services.get_system("hr")
    assert (hr.unit, hr.criticality, hr.name_en) == (world.a1, 4, "HR")
    assert AuditEntry.objects.get(action="inventory.system.add", object_id=str(hr.pk)).actor == "admin-a"
    taken = client.post(
        "/inventory/systems/add/",
        {"code": "hr", "name_th": "ซ้ำ", "unit": "A", "klass": "intranet", "criticality": "3"},
    )
    assert taken.status_code == 200 and "มีระบบรหัส hr อยู่แล้ว" in taken.content.decode()
    foreign = client.post(
        "/inventory/systems/add/",
        {"code": "b2", "name_th": "ของ ข", "unit": "B", "klass": "intranet", "criticality": "3"},
    )
    assert foreign.status_code == 200 and not services.list_systems().filter(code="b2").exists()
    edited = client.post(
        "/inventory/systems/hr/edit/",
        {"name_th": "ระบบบุคลากร ๒", "unit": "A", "klass": "internet", "criticality": "2", "active": ""},
    )
    assert edited.status_code == 302
    hr.refresh_from_db()
    assert (hr.name_th, hr.unit, hr.klass, hr.criticality, hr.active) == (
        "ระบบบุคลากร ๒",
        world.a,
        "internet",
        2,
        False,
    )
    assert client.get("/inventory/systems/secret-b/edit/").status_code == 404


def test_an_administrator_adds_and_edits_a_host_and_sees_errors(client, world, systems):
    client.force_login(world.users["admin"])
    bad = client.post("/inventory/hosts/add/", {"name": "web-a", "unit": "A", "addresses": "10.0.0.300"})
    assert bad.status_code == 200 and "ที่อยู่ IP &#x27;10.0.0.300&#x27; ไม่ถูกต้อง" in bad.content.decode()
    added = client.post(
        "/inventory/hosts/add/",
        {
            "name": "web-a",
            "unit": "A",
            "addresses": "192.0.2.1, 192.0.2.2",
            "systems": ["pibics", "tm30"],
            "role": "web",
        },
    )
    assert added.status_code == 302
    host = services.get_host("web-a")
    assert host.addresses == ["192.0.2.1", "192.0.2.2"]
    assert sorted(s.code for s in host.systems.all()) == ["pibics", "tm30"]
    hidden = client.post("/inventory/hosts/add/", {"name": "x", "unit": "A", "systems": ["secret-b"]})
    assert hidden.status_code == 200 and not services.list_hosts().filter(name="x").exists()
    client.post("/inventory/hosts/web-a/edit/", {"unit": "A-1", "addresses": "", "systems": [], "role": ""})
    host.refresh_from_db()
    assert (host.unit, host.addresses, list(host.systems.all())) == (world.a1, [], [])
    assert client.get("/inventory/hosts/db-b/edit/").status_code == 404


def test_the_system_page_links_to_its_backup_policy(client, world, systems, tmp_path):
    from lakthan.backups.services.systems import add_system

    add_system("pibics", unit=world.a, klass="intranet", paths=[str(tmp_path)], init_repo=False)
    client.force_login(world.users["auditor"])
    assert 'href="/backups/systems/pibics/"' in client.get("/inventory/systems/pibics/").content.decode()
    assert "/backups/systems/" not in client.get("/inventory/systems/tm30/").content.decode()
    backup_page = client.get("/backups/systems/pibics/").content.decode()
    assert 'href="/inventory/systems/pibics/"' in backup_page and "ระบบ PIBICS" in backup_page


@pytest.mark.parametrize(
    "path, language, heading",
    [
        ("/inventory/systems/add/", "th", "<h1>เพิ่มระบบ</h1>"),
        ("/inventory/systems/pibics/edit/", "en", 'Edit system <span class="code">pibics</span>'),
        ("/inventory/hosts/add/", "en", "<h1>Add a host</h1>"),
        ("/inventory/hosts/db-a/edit/", "th", 'แก้ไขเครื่อง <span class="code">db-a</span>'),
    ],
)
def test_the_forms_say_what_they_add_or_edit_in_the_users_language(
    client, world, systems, path, language, heading
):
    client.force_login(world.users["admin"])
    client.cookies["django_language"] = language
    assert heading in client.get(path).content.decode()
