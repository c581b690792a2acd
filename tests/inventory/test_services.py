"""Inventory services: validation with Thai and English messages, unit scoping, and the audit trail."""

from __future__ import annotations

import pytest

from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import AuditEntry
from lakthan.inventory import services


def add(org, code="pibics", **kw):
    kw.setdefault("name_th", "ระบบ PIBICS")
    kw.setdefault("unit", org.division)
    kw.setdefault("klass", "intranet")
    return services.add_system(code, **kw)


def test_a_system_is_added_with_its_facts_and_audited(org):
    system = add(
        org, name_en="PIBICS", owner=org.supervisor, criticality=5, description=" ฐานข้อมูล ", actor="alice"
    )
    assert (system.unit, system.owner, system.klass, system.criticality) == (
        org.division,
        org.supervisor,
        "intranet",
        5,
    )
    assert system.description == "ฐานข้อมูล"
    entry = AuditEntry.objects.get(action="inventory.system.add")
    assert (entry.actor, entry.object_type, entry.object_id) == ("alice", "inventory.system", str(system.pk))
    assert entry.after["code"] == "pibics" and entry.after["criticality"] == 5


@pytest.mark.parametrize(
    ("code", "changes", "english"),
    [
        ("bad code!", {}, "system code 'bad code!' is invalid (letters, digits, . _ -, at most 80)"),
        ("x", {"name_th": "  "}, "the Thai name of the system is required"),
        ("x", {"klass": "extranet"}, "class 'extranet' must be intranet or internet"),
        ("x", {"criticality": 0}, "criticality '0' must be 1 to 5"),
        ("x", {"criticality": 6}, "criticality '6' must be 1 to 5"),
        ("x", {"criticality": True}, "criticality 'True' must be 1 to 5"),
    ],
)
def test_bad_systems_are_refused_and_leave_nothing(org, code, changes, english):
    with pytest.raises(InvalidInput) as refused:
        add(org, code, **changes)
    assert refused.value.message_en == english
    assert refused.value.message_th  # a Thai message too
    assert not services.list_systems().exists()
    assert not AuditEntry.objects.filter(action__startswith="inventory.").exists()


def test_a_code_is_taken_once(org):
    add(org)
    with pytest.raises(InvalidInput) as refused:
        add(org, unit=org.other)
    assert refused.value.message_en == "an information system with code pibics already exists"


def test_update_changes_the_facts_but_never_the_code(org):
    system = add(org)
    updated = services.update_system(system, unit=org.other, criticality=2, active=False, actor="bob")
    assert (updated.unit, updated.criticality, updated.active) == (org.other, 2, False)
    entry = AuditEntry.objects.get(action="inventory.system.update")
    assert entry.before["unit"] == org.division.pk and entry.after["unit"] == org.other.pk
    with pytest.raises(InvalidInput):
        services.update_system(system, code="renamed")
    with pytest.raises(InvalidInput):
        services.update_system(system, criticality=9)
    assert services.get_system("pibics").criticality == 2


def test_listing_is_scoped_to_a_unit_and_the_units_below_it(org):
    add(org, "in-division")
    add(org, "in-bureau", unit=org.bureau)
    add(org, "elsewhere", unit=org.other)

    def codes(qs):
        return sorted(s.code for s in qs)

    assert codes(services.list_systems(org.bureau)) == ["in-bureau", "in-division"]
    assert codes(services.list_systems(org.division)) == ["in-division"]
    assert codes(services.list_systems(within={org.other.pk})) == ["elsewhere"]
    assert codes(services.list_systems(org.bureau, within={org.other.pk})) == []


def test_get_system_names_what_is_missing(org):
    with pytest.raises(NotFound) as missing:
        services.get_system("nope")
    assert missing.value.message_en == "no information system with code nope"
    assert "nope" in missing.value.message_th


def test_a_host_keeps_canonical_addresses_once_and_its_systems(org):
    system = add(org)
    host = services.add_host(
        "db-01",
        unit=org.division,
        addresses=["10.0.0.5", " 2001:DB8::0:1 ", "10.0.0.5"],
        systems=[system],
        role="database",
        actor="alice",
    )
    assert host.addresses == ["10.0.0.5", "2001:db8::1"]
    assert list(host.systems.all()) == [system]
    assert list(system.hosts.all()) == [host]
    entry = AuditEntry.objects.get(action="inventory.host.add")
    assert entry.after["addresses"] == ["10.0.0.5", "2001:db8::1"] and entry.after["systems"] == ["pibics"]


@pytest.mark.parametrize(
    ("name", "addresses", "english"),
    [
        ("db 01", [], "host name 'db 01' is invalid (no spaces or /, at most 255)"),
        ("db/01", [], "host name 'db/01' is invalid (no spaces or /, at most 255)"),
        ("db-01", ["10.0.0.300"], "'10.0.0.300' is not an IP address"),
        ("db-01", ["example.org"], "'example.org' is not an IP address"),
        ("db-01", "10.0.0.1", "addresses must be a list"),
    ],
)
def test_bad_hosts_are_refused(org, name, addresses, english):
    with pytest.raises(InvalidInput) as refused:
        services.add_host(name, unit=org.division, addresses=addresses)
    assert refused.value.message_en == english
    assert not services.list_hosts().exists()


def test_update_host_replaces_systems_and_addresses(org):
    a, b = add(org, "a"), add(org, "b")
    host = services.add_host("web-01", unit=org.division, addresses=["192.0.2.1"], systems=[a])
    services.update_host(host, systems=[b], addresses=["192.0.2.2"], role="web")
    host.refresh_from_db()
    assert ([s.code for s in host.systems.all()], host.addresses, host.role) == (["b"], ["192.0.2.2"], "web")
    assert [h.name for h in services.list_hosts(system=b)] == ["web-01"]
    assert not services.list_hosts(system=a).exists()
    assert AuditEntry.objects.get(action="inventory.host.update").before["systems"] == ["a"]
