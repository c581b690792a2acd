"""`lakthan system …` and `lakthan host …`: the inventory of information systems and their hosts."""

from __future__ import annotations

import json

import click
from rich.table import Table

from lakthan.cli_common import console


def system_json(s) -> dict:
    return {
        "code": s.code,
        "name_th": s.name_th,
        "name_en": s.name_en,
        "unit": s.unit.code,
        "owner": s.owner.display_name if s.owner else None,
        "class": s.klass,
        "criticality": s.criticality,
        "description": s.description,
        "active": s.active,
    }


def host_json(h) -> dict:
    return {
        "name": h.name,
        "unit": h.unit.code,
        "addresses": h.addresses,
        "systems": sorted(s.code for s in h.systems.all()),
        "role": h.role,
    }


def _unit(code: str | None):
    from lakthan.core.services import get_unit

    return get_unit(code) if code else None


@click.group()
def system() -> None:
    """The inventory of information systems (unit, owner, intranet | internet, criticality)."""


@system.command("add")
@click.argument("code")
@click.option("--name-th", required=True, help="Thai name")
@click.option("--name-en", default="", help="English name")
@click.option("--unit", "unit_code", required=True, help="the unit that owns the system")
@click.option("--owner", default=None, help="the responsible person's id (lakthan person list)")
@click.option("--class", "klass", required=True, type=click.Choice(["intranet", "internet"]))
@click.option("--criticality", required=True, type=click.IntRange(1, 5), help="1 (low) to 5 (critical)")
@click.option("--description", default="")
def system_add(code, name_th, name_en, unit_code, owner, klass, criticality, description) -> None:
    from lakthan.core.services import get_person
    from lakthan.inventory import services

    s = services.add_system(
        code,
        name_th=name_th,
        name_en=name_en,
        unit=_unit(unit_code),
        owner=get_person(owner) if owner else None,
        klass=klass,
        criticality=criticality,
        description=description,
        actor="cli",
    )
    console.print(f"added system {s.code} ({s.klass}, criticality {s.criticality}) of {s.unit.code}")


@system.command("list")
@click.option("--unit", "unit_code", default=None, help="this unit and the units below it")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def system_list(unit_code, as_json) -> None:
    from lakthan.inventory import services

    rows = list(services.list_systems(_unit(unit_code)))
    if as_json:
        click.echo(json.dumps([system_json(s) for s in rows], ensure_ascii=False, indent=2))
        return
    table = Table("code", "name", "unit", "class", "criticality", "owner")
    for s in rows:
        table.add_row(
            s.code,
            s.name_th,
            s.unit.code,
            s.klass,
            str(s.criticality),
            s.owner.display_name if s.owner else "",
        )
    console.print(table)


@system.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def system_show(code, as_json) -> None:
    from lakthan.inventory import services

    s = services.get_system(code)
    found = system_json(s)
    found["hosts"] = [h.name for h in services.list_hosts(system=s)]
    found["installed_at"] = sorted(u.code for u in s.installed_at.all())
    found["installations"] = sorted(u.code for u in services.installations(s))
    backup = getattr(s, "backup", None)
    found["backup"] = backup.name if backup else None
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for key, value in found.items():
        shown = ", ".join(value) if isinstance(value, list) else "" if value is None else value
        console.print(f"{key}: {shown}", highlight=False, soft_wrap=True)


@system.command("install")
@click.argument("code")
@click.option("--unit", "unit_codes", multiple=True, required=True, help="a unit or checkpoint (repeatable)")
def system_install(code, unit_codes) -> None:
    """Declares the system installed (and meant to be used) at these units and checkpoints."""
    from lakthan.inventory import services

    s = services.get_system(code)
    units = [_unit(c) for c in unit_codes]
    s = services.set_installed_at(s, [*s.installed_at.all(), *units], actor="cli")
    console.print(f"{s.code} installed at {', '.join(sorted(u.code for u in s.installed_at.all()))}")


@system.command("uninstall")
@click.argument("code")
@click.option("--unit", "unit_codes", multiple=True, required=True, help="a unit or checkpoint (repeatable)")
def system_uninstall(code, unit_codes) -> None:
    """Withdraws the declaration that the system is installed at these units."""
    from lakthan.core.errors import InvalidInput
    from lakthan.inventory import services

    s = services.get_system(code)
    units = [_unit(c) for c in unit_codes]
    current = list(s.installed_at.all())
    missing = sorted(u.code for u in units if u not in current)
    if missing:
        raise InvalidInput(
            f"ระบบ {s.code} ไม่ได้ประกาศว่าติดตั้งที่ {', '.join(missing)}",
            f"system {s.code} is not declared installed at {', '.join(missing)}",
        )
    s = services.set_installed_at(s, [u for u in current if u not in units], actor="cli")
    left = sorted(u.code for u in s.installed_at.all())
    console.print(f"{s.code} installed at {', '.join(left) or 'no declared unit'}")


@click.group()
def host() -> None:
    """Hosts: their addresses, unit, role and the systems they serve."""


@host.command("add")
@click.argument("name")
@click.option("--unit", "unit_code", required=True)
@click.option("--address", "addresses", multiple=True, help="an IP address (repeatable)")
@click.option("--system", "systems", multiple=True, help="the code of a system it serves (repeatable)")
@click.option("--role", default="", help="e.g. database, web, firewall")
def host_add(name, unit_code, addresses, systems, role) -> None:
    from lakthan.inventory import services

    h = services.add_host(
        name,
        unit=_unit(unit_code),
        addresses=list(addresses),
        systems=[services.get_system(code) for code in systems],
        role=role,
        actor="cli",
    )
    console.print(f"added host {h.name} of {h.unit.code} ({', '.join(h.addresses) or 'no address'})")


@host.command("list")
@click.option("--unit", "unit_code", default=None, help="this unit and the units below it")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def host_list(unit_code, as_json) -> None:
    from lakthan.inventory import services

    rows = [host_json(h) for h in services.list_hosts(_unit(unit_code))]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("name", "unit", "addresses", "systems", "role")
    for h in rows:
        table.add_row(h["name"], h["unit"], ", ".join(h["addresses"]), ", ".join(h["systems"]), h["role"])
    console.print(table)


COMMANDS = [system, host]
