"""The plan and the register through the services: prefixes refused or nested, every change an
AddressChange with the exact before/after and who and when, the CSV import validated whole, and the
export that imports back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lakthan.core.errors import InvalidInput, NotFound
from lakthan.network.models import Address, AddressChange, Prefix
from lakthan.network.services import register, register_io
from tests.network import register_fixtures

net = register_fixtures.net

pytestmark = pytest.mark.django_db
HEADER = "address,hostname,mac,unit,owner,system,note\n"


def test_prefixes_nested_across_units_are_normal_duplicates_and_host_bits_are_refused(net):
    from lakthan.core.models import AuditEntry

    register.add_prefix("10.20.0.0/16", net.b, "สำนักงาน", actor="somchai")
    inner = register.add_prefix("10.20.1.0/24", net.it, "ศูนย์ไอที")
    other = register.add_prefix("10.20.9.0/24", net.x)  # another unit's block inside B's: nested, allowed
    v6 = register.add_prefix("2001:DB8:20::/48", net.b)
    assert (inner.version, v6.cidr, v6.version) == (4, "2001:db8:20::/48", 6)
    assert other.unit == net.x
    with pytest.raises(InvalidInput, match="10.20.1.0/24 is in the plan already"):
        register.add_prefix("10.20.1.0/24", net.x)
    with pytest.raises(InvalidInput, match="host bits set; did you mean 10.20.1.0/24"):
        register.add_prefix("10.20.1.7/24", net.it)
    with pytest.raises(InvalidInput, match="not a CIDR"):
        register.add_prefix("10.20.1.0/33", net.it)
    assert [p.cidr for p in register.list_prefixes(unit=net.b)] == [
        "10.20.0.0/16",
        "10.20.1.0/24",
        "2001:db8:20::/48",
    ]
    register.remove_prefix("10.20.9.0/24", actor="somchai")
    assert not Prefix.objects.filter(cidr="10.20.9.0/24").exists()
    with pytest.raises(NotFound):
        register.remove_prefix("10.20.9.0/24")
    actions = list(
        AuditEntry.objects.filter(action__startswith="network.prefix")
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions[0] == ("network.prefix_add", "somchai") and actions[-1] == (
        "network.prefix_remove",
        "somchai",
    )


def test_every_change_keeps_exactly_what_it_was_and_became_who_and_when(net):
    from lakthan.core.models import AuditEntry

    t1 = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    reg = register.register_address(
        "10.20.1.10",
        net.it,
        hostname=" web1 ",
        mac="aabb.ccdd.ee10",
        owner=net.owner,
        system=net.mail,
        note="เครื่องเว็บ",
        actor="somchai",
        at=t1,
    )
    after_add = {
        "address": "10.20.1.10",
        "key": "00000000000000000000ffff0a14010a",
        "hostname": "web1",
        "mac": "AA:BB:CC:DD:EE:10",
        "unit": "B-IT",
        "owner": net.owner.pk,
        "system": "mail",
        "note": "เครื่องเว็บ",
    }
    t2 = t1 + timedelta(days=3)
    same = register.update_address(reg, actor="manee", at=t2, mac="AA-BB-CC-DD-EE-10", hostname="web1")
    assert same.updated_at == t1  # the same MAC in another notation is no change
    register.update_address(reg, actor="manee", at=t2, mac="aa:bb:cc:dd:ee:11", system=None)
    with pytest.raises(InvalidInput, match="before its previous change"):
        register.update_address(reg, actor="manee", at=t1, note="ย้อนหลัง")
    with pytest.raises(InvalidInput, match="cannot be in the future"):
        register.update_address(reg, at=datetime.now(UTC) + timedelta(days=1), note="อนาคต")
    t3 = t2 + timedelta(days=1)
    register.remove_address(reg, actor="somchai", at=t3)
    changes = list(AddressChange.objects.order_by("at", "pk"))
    assert [(c.action, c.actor, c.at) for c in changes] == [
        ("add", "somchai", t1),
        ("update", "manee", t2),
        ("remove", "somchai", t3),
    ]
    after_update = {**after_add, "mac": "AA:BB:CC:DD:EE:11", "system": None}
    assert (changes[0].before, changes[0].after) == (None, after_add)
    assert (changes[1].before, changes[1].after) == (after_add, after_update)
    assert (changes[2].before, changes[2].after) == (after_update, None)
    assert all(c.registration_id is None for c in changes)  # the registration is gone; its history stays
    assert not Address.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="network.address")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["network.address_add", "network.address_update", "network.address_remove"]


def test_the_same_address_may_be_registered_twice_and_bad_values_are_refused(net):
    register.register_address("10.20.1.10", net.it)
    register.register_address("10.20.1.10", net.x)
    assert Address.objects.filter(address="10.20.1.10").count() == 2
    with pytest.raises(InvalidInput, match="'10.20.1.300' is not an IP address"):
        register.register_address("10.20.1.300", net.it)
    with pytest.raises(InvalidInput, match="is not a MAC address"):
        register.register_address("10.20.1.11", net.it, mac="aa:bb")
    with pytest.raises(InvalidInput, match="cannot change key"):
        register.update_address(Address.objects.first(), key="0")


def test_changes_are_listed_per_unit_and_since_a_moment(net):
    t = datetime(2026, 2, 1, tzinfo=UTC)
    a = register.register_address("10.20.1.10", net.it, actor="a", at=t)
    register.register_address("10.30.0.1", net.x, actor="b", at=t + timedelta(hours=1))
    register.update_address(a, unit=net.x, actor="c", at=t + timedelta(hours=2))  # moved from B-IT to X
    assert [c.actor for c in register.list_changes(unit=net.b)] == ["c", "a"]  # before or after in B-IT
    assert [c.actor for c in register.list_changes(unit=net.x)] == ["c", "b"]
    assert [c.actor for c in register.list_changes(since=t + timedelta(minutes=30))] == ["c", "b"]
    assert [c.actor for c in register.list_changes(within={net.x.pk})] == ["c", "b"]


def write(tmp_path, name: str, text: str, bom: bool = False):
    path = tmp_path / name
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8"))
    return path


def test_an_import_is_refused_whole_with_every_bad_row_named(net, tmp_path):
    register.register_address("10.20.1.99", net.it, hostname="keep")
    path = write(
        tmp_path,
        "reg.csv",
        HEADER
        + "10.20.1.10,web1,aa:bb:cc:dd:ee:10,B-IT,สมชาย ใจดี,mail,\n"
        + "10.20.1.11,db1,,NOPE,,,\n"
        + "10.20.1.12,db2,,B-IT,ใครก็ไม่รู้,nosys,\n"
        + "10.20.1.13,db3,,B-IT,มานะ อดทน,,\n"
        + "10.20.1.14,db4,,B-IT,99999,,\n"
        + "10.20.1.10,web1,,B-IT,,,\n"
        + "not-an-ip,x,zz,B-IT,,,\n",
    )
    with pytest.raises(register_io.ImportRejected) as rejected:
        register_io.import_addresses(path, actor="somchai")
    assert rejected.value.lines("en") == [
        "reg.csv:3 (unit): no unit with code NOPE",
        "reg.csv:4 (owner): no person named ใครก็ไม่รู้",
        "reg.csv:4 (system): no system with code nosys",
        "reg.csv:5 (owner): more than one person is named มานะ อดทน",
        "reg.csv:6 (owner): no person with id 99999",
        "reg.csv:7 (address): 10.20.1.10 of unit B-IT repeats line 2",
        "reg.csv:8 (address): 'not-an-ip' is not an IP address",
        "reg.csv:8 (mac): 'zz' is not a MAC address",
    ]
    assert rejected.value.lines("th")[0] == "reg.csv:3 (unit): ไม่พบหน่วยงานรหัส NOPE"
    assert list(Address.objects.values_list("address", flat=True)) == ["10.20.1.99"]
    assert AddressChange.objects.count() == 1


def test_an_import_adds_updates_only_what_differs_and_again_changes_nothing(net, tmp_path):
    kept = register.register_address("10.20.1.20", net.it, hostname="old", mac="aa:bb:cc:dd:ee:20")
    text = (
        HEADER
        + f"10.20.1.10,web1,aabb.ccdd.ee10,B-IT,{net.owner.pk},mail,เว็บ\n"
        + "10.20.1.20,new,AA-BB-CC-DD-EE-20,B-IT,,,\n"
        + "2001:db8:20::10,v6,,B,นายสมชาย ใจดี,,\n"
    )
    done = register_io.import_addresses(write(tmp_path, "reg.csv", text, bom=True), actor="somchai")
    assert (done.rows, done.added, done.changed, done.unchanged) == (3, 2, 1, 0)
    kept.refresh_from_db()
    assert (kept.hostname, kept.mac) == ("new", "AA:BB:CC:DD:EE:20")
    update = AddressChange.objects.get(action="update")
    assert (update.before["hostname"], update.after["hostname"], update.source) == ("old", "new", "reg.csv")
    assert Address.objects.get(address="2001:db8:20::10").owner == net.owner
    from lakthan.core.models import AuditEntry

    entry = AuditEntry.objects.get(action="network.address_import")
    assert (entry.actor, entry.after["rows"], entry.after["added"], entry.after["changed"]) == (
        "somchai",
        3,
        2,
        1,
    )
    assert {c.actor for c in AddressChange.objects.filter(source="reg.csv")} == {"somchai"}
    changes = AddressChange.objects.count()
    again = register_io.import_addresses(write(tmp_path, "reg.csv", text), actor="somchai")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    assert AddressChange.objects.count() == changes


def test_an_import_only_touches_the_units_the_actor_may_change(net, tmp_path):
    path = write(tmp_path, "x.csv", HEADER + "10.30.0.1,x1,,X,,,\n10.20.1.1,ok,,B-IT,,,\n")
    with pytest.raises(register_io.ImportRejected) as rejected:
        register_io.import_addresses(path, actor="somchai", within={net.it.pk})
    assert rejected.value.lines("en") == ["x.csv:2 (unit): you may not change the register of unit X"]
    assert not Address.objects.exists()


def test_export_imports_back_unchanged(net, tmp_path):
    register.register_address(
        "10.20.1.10",
        net.it,
        hostname="web,1",
        mac="aabb.ccdd.ee10",
        owner=net.owner,
        system=net.mail,
        note='ห้อง "เซิร์ฟเวอร์"',
    )
    register.register_address("10.20.1.11", net.it, owner=net.twin_a)  # a shared name: written as the id
    register.register_address("2001:db8:20::1", net.b)
    data = register_io.export_addresses()
    assert data.decode("utf-8-sig").splitlines()[0] == "address,hostname,mac,unit,owner,system,note"
    assert f"10.20.1.11,,,B-IT,{net.twin_a.pk},," in data.decode("utf-8-sig")
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    before = {r.pk: register.state(r) for r in Address.objects.all()}
    done = register_io.import_addresses(path, actor="again")
    assert (done.rows, done.added, done.changed, done.unchanged) == (3, 0, 0, 3)
    assert {r.pk: register.state(r) for r in Address.objects.all()} == before
    assert register_io.export_addresses(unit=net.it).decode("utf-8-sig").count("\n") == 3  # header + 2


def test_an_address_registered_twice_in_one_unit_cannot_be_imported_over(net, tmp_path):
    register.register_address("10.20.1.10", net.it)
    register.register_address("10.20.1.10", net.it)
    with pytest.raises(register_io.ImportRejected) as rejected:
        register_io.import_addresses(write(tmp_path, "d.csv", HEADER + "10.20.1.10,a,,B-IT,,,\n"))
    assert "registered more than once in unit B-IT" in rejected.value.lines("en")[0]
