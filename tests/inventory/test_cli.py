"""`lakthan system …`, `lakthan host …`, and `lakthan backup system add` creating or joining an
inventory system, through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lakthan.backups.cli import backup
from lakthan.backups.services.systems import backup_home
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.inventory import services
from lakthan.inventory.cli import host, system

pytestmark = pytest.mark.django_db


def ok(group, args):
    result = CliRunner().invoke(group, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def add_pibics(org, *extra):
    return ok(
        system,
        [
            "add",
            "pibics",
            "--name-th",
            "ระบบ PIBICS",
            "--name-en",
            "PIBICS",
            "--unit",
            org.division.code,
            "--class",
            "intranet",
            "--criticality",
            "5",
            *extra,
        ],
    )


def test_system_add_list_show(org):
    out = add_pibics(org, "--owner", str(org.supervisor.pk), "--description", "ฐานข้อมูลคนเข้าเมือง")
    assert "added system pibics (intranet, criticality 5) of B-IT" in out
    ok(
        system,
        [
            "add",
            "site",
            "--name-th",
            "เว็บไซต์",
            "--unit",
            org.other.code,
            "--class",
            "internet",
            "--criticality",
            "2",
        ],
    )
    listed = json.loads(ok(system, ["list", "--json"]))
    assert [(s["code"], s["unit"], s["class"], s["criticality"]) for s in listed] == [
        ("pibics", "B-IT", "intranet", 5),
        ("site", "X", "internet", 2),
    ]
    assert [s["code"] for s in json.loads(ok(system, ["list", "--unit", "B", "--json"]))] == ["pibics"]
    shown = json.loads(ok(system, ["show", "pibics", "--json"]))
    assert shown["owner"] == org.supervisor.display_name
    assert shown["description"] == "ฐานข้อมูลคนเข้าเมือง"
    assert (shown["hosts"], shown["backup"]) == ([], None)
    assert "pibics" in ok(system, ["list"]) and "owner: " in ok(system, ["show", "site"])


@pytest.mark.parametrize(
    "args",
    [
        ["--class", "extranet", "--criticality", "3"],
        ["--class", "intranet", "--criticality", "0"],
        ["--class", "intranet", "--criticality", "6"],
        ["--class", "intranet"],
    ],
)
def test_system_add_refuses_bad_options_with_exit_2(org, args):
    result = CliRunner().invoke(system, ["add", "x", "--name-th", "x", "--unit", org.division.code, *args])
    assert result.exit_code == 2
    assert not services.list_systems().exists()


def test_domain_errors_reach_the_caller(org):
    missing_unit = CliRunner().invoke(
        system, ["add", "x", "--name-th", "x", "--unit", "NOPE", "--class", "intranet", "--criticality", "3"]
    )
    assert isinstance(missing_unit.exception, NotFound)
    assert isinstance(CliRunner().invoke(system, ["show", "nope"]).exception, NotFound)
    add_pibics(org)
    again = CliRunner().invoke(
        system,
        ["add", "pibics", "--name-th", "x", "--unit", "B", "--class", "intranet", "--criticality", "3"],
    )
    assert isinstance(again.exception, InvalidInput)
    bad_address = CliRunner().invoke(host, ["add", "db-01", "--unit", "B", "--address", "10.0.0.999"])
    assert isinstance(bad_address.exception, InvalidInput)
    assert bad_address.exception.message_en == "'10.0.0.999' is not an IP address"


def test_hosts_add_and_list(org):
    add_pibics(org)
    out = ok(
        host,
        [
            "add",
            "db-01",
            "--unit",
            "B-IT",
            "--address",
            "10.1.1.5",
            "--address",
            "fe80::1",
            "--system",
            "pibics",
            "--role",
            "database",
        ],
    )
    assert "added host db-01 of B-IT (10.1.1.5, fe80::1)" in out
    ok(host, ["add", "fw-01", "--unit", "X"])
    listed = json.loads(ok(host, ["list", "--json"]))
    assert listed == [
        {
            "name": "db-01",
            "unit": "B-IT",
            "addresses": ["10.1.1.5", "fe80::1"],
            "systems": ["pibics"],
            "role": "database",
        },
        {"name": "fw-01", "unit": "X", "addresses": [], "systems": [], "role": ""},
    ]
    assert [h["name"] for h in json.loads(ok(host, ["list", "--unit", "X", "--json"]))] == ["fw-01"]
    assert json.loads(ok(system, ["show", "pibics", "--json"]))["hosts"] == ["db-01"]
    assert isinstance(
        CliRunner().invoke(host, ["add", "x", "--unit", "B", "--system", "nope"]).exception, NotFound
    )


def backup_add(org, data_dir, tmp_path, name, *extra):
    return CliRunner().invoke(
        backup,
        [
            "system",
            "add",
            name,
            "--unit",
            org.division.code,
            "--class",
            "intranet",
            "--path",
            str(data_dir),
            "--repo",
            str(tmp_path / "repos" / name),
            *extra,
        ],
    )


def test_backup_system_add_creates_the_inventory_system(org, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    result = backup_add(org, data, tmp_path, "hr", "--title", "ระบบบุคลากร", "--importance", "high")
    assert result.exit_code == 0, result.output
    created = services.get_system("hr")
    assert (created.name_th, created.unit, created.klass, created.criticality) == (
        "ระบบบุคลากร",
        org.division,
        "intranet",
        4,
    )
    assert created.backup.name == "hr"
    assert json.loads(ok(system, ["show", "hr", "--json"]))["backup"] == "hr"
    listed = json.loads(ok(backup, ["system", "list", "--json"]))
    assert [(s["name"], s["unit"], s["class"]) for s in listed] == [("hr", "B-IT", "intranet")]


def test_backup_system_add_joins_an_existing_system_and_keeps_its_facts(org, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    ok(
        system,
        [
            "add",
            "joined-sys",
            "--name-th",
            "ระบบ PIBICS",
            "--unit",
            "B-IT",
            "--class",
            "intranet",
            "--criticality",
            "5",
        ],
    )
    mismatch = CliRunner().invoke(
        backup, ["system", "add", "joined-sys", "--unit", "X", "--class", "intranet", "--path", str(data)]
    )
    assert isinstance(mismatch.exception, InvalidInput)
    assert "belongs to unit B-IT" in mismatch.exception.message_en
    assert not (backup_home() / "keys" / "joined-sys.key").exists()  # a refusal leaves nothing
    result = backup_add(org, data, tmp_path, "joined-sys", "--title", "ignored", "--importance", "low")
    assert result.exit_code == 0, result.output
    joined = services.get_system("joined-sys")
    assert (joined.name_th, joined.criticality) == ("ระบบ PIBICS", 5)  # the inventory's facts stand
    assert joined.backup.name == "joined-sys"
    assert services.list_systems().count() == 1
    twice = backup_add(org, data, tmp_path, "joined-sys")
    assert isinstance(twice.exception, InvalidInput)
