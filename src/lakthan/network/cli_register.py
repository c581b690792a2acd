"""`lakthan net prefix add|list|remove`, `net address add|import|export|list|remove` and `net changes`:
the address plan and the register, with every change's who and when."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import OutFile, console
from lakthan.core.errors import InvalidInput
from lakthan.lib.files import write_atomic

ACTOR = "cli"


def _unit(code):
    from lakthan.core.services import get_unit

    return get_unit(code) if code is not None else None  # "" is a bad code, not "every unit"


def _person(text):
    from lakthan.core.people import person_named

    return person_named(text, "--owner") if text else None


def _system(code):
    from lakthan.inventory.services import get_system

    return get_system(code) if code else None


def _instant(value: str, option: str):
    from lakthan.lib.timezones import parse_instant

    try:
        return parse_instant(value)
    except ValueError:
        raise InvalidInput(
            f"{option} '{value}' ไม่ใช่เวลา ISO-8601 (เช่น 2026-03-01 หรือ 2026-03-01T21:00+07:00)",
            f"{option} '{value}' is not an ISO-8601 time (e.g. 2026-03-01 or 2026-03-01T21:00+07:00)",
        ) from None


def _echo_json(rows) -> None:
    click.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=str))


@click.group("prefix")
def prefix_group() -> None:
    """The address plan: CIDR blocks (IPv4 and IPv6) per unit with a purpose."""


@prefix_group.command("add")
@click.argument("cidr")
@click.option("--unit", "unit_code", required=True, help="unit code")
@click.option("--purpose", default="", help="what the block is for")
def prefix_add(cidr, unit_code, purpose) -> None:
    """Add a block to the plan (a block inside another is normal: the division's /24 in the /16)."""
    from lakthan.network.services.register import add_prefix

    prefix = add_prefix(cidr, _unit(unit_code), purpose=purpose, actor=ACTOR)
    console.print(
        f"added {prefix.cidr} to {prefix.unit.code}" + (f" ({prefix.purpose})" if prefix.purpose else "")
    )


@prefix_group.command("list")
@click.option("--unit", "unit_code", default=None)
@click.option("--json", "as_json", is_flag=True)
def prefix_list(unit_code, as_json) -> None:
    """The plan (a unit and the units below it) with the addresses registered in each block."""
    from lakthan.network.services.plan import plan_rows

    rows = plan_rows(unit=_unit(unit_code))
    if as_json:
        _echo_json(rows)
        return
    table = Table("prefix", "unit", "purpose", "registered", "seen")
    for r in rows:
        table.add_row(r["cidr"], r["unit"], r["purpose"], str(r["registered"]), str(r["seen"]))
    console.print(table)


@prefix_group.command("remove")
@click.argument("cidr")
def prefix_remove(cidr) -> None:
    """Take a block out of the plan (the registrations in it stay)."""
    from lakthan.network.services.register import remove_prefix

    remove_prefix(cidr, actor=ACTOR)
    console.print(f"removed {cidr}")


@click.group("address")
def address_group() -> None:
    """The register of addresses: address, host name, MAC, unit, owner, system."""


@address_group.command("add")
@click.argument("address")
@click.option("--unit", "unit_code", required=True, help="unit code")
@click.option("--hostname", default="")
@click.option("--mac", default="", help="any notation: AA:BB:…, aa-bb-…, aabb.ccdd.eeff")
@click.option("--owner", default="", help="person id or name")
@click.option("--system", "system_code", default="", help="inventory system code")
@click.option("--note", default="")
def address_add(address, unit_code, hostname, mac, owner, system_code, note) -> None:
    """Register an address in a unit."""
    from lakthan.network.services.register import register_address

    reg = register_address(
        address,
        _unit(unit_code),
        hostname=hostname,
        mac=mac,
        owner=_person(owner),
        system=_system(system_code),
        note=note,
        actor=ACTOR,
    )
    console.print(f"registered {reg.address} in {reg.unit.code}" + (f" ({reg.mac})" if reg.mac else ""))


@address_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def address_import(file) -> None:
    """Apply a CSV (address, hostname, mac, unit, owner [, system, note]); refused whole, every bad
    row named as file:line (column), when one row is wrong."""
    from lakthan.network.services.register_io import import_addresses

    done = import_addresses(file, actor=ACTOR)
    console.print(
        f"imported {done.filename}: {done.rows} rows, {done.added} added, {done.changed} changed, "
        f"{done.unchanged} unchanged"
    )


@address_group.command("export")
@click.option("--unit", "unit_code", default=None)
@click.option("-o", "--output", "output", type=OutFile(), default=None)
def address_export(unit_code, output) -> None:
    """The register as CSV (the layout import reads back unchanged), to a file or standard output."""
    from lakthan.network.services.register_io import export_addresses

    data = export_addresses(_unit(unit_code))
    if output is None:
        click.echo(data.decode("utf-8-sig"), nl=False)
        return
    write_atomic(output, data)
    console.print(f"wrote {output} ({len(data)} bytes)")


@address_group.command("list")
@click.option("--unit", "unit_code", default=None)
@click.option("--json", "as_json", is_flag=True)
def address_list(unit_code, as_json) -> None:
    """The register (a unit and the units below it)."""
    from lakthan.network.services.register import list_addresses, state

    regs = list(list_addresses(unit=_unit(unit_code)))
    if as_json:
        _echo_json([{"id": r.pk, **state(r), "updated_at": r.updated_at.isoformat()} for r in regs])
        return
    table = Table("address", "hostname", "mac", "unit", "owner", "system")
    for r in regs:
        table.add_row(
            r.address,
            r.hostname,
            r.mac,
            r.unit.code,
            r.owner.display_name if r.owner else "",
            r.system.code if r.system else "",
        )
    console.print(table)


@address_group.command("remove")
@click.argument("address")
@click.option("--unit", "unit_code", required=True)
def address_remove(address, unit_code) -> None:
    """Take a registration out of the register (its history stays)."""
    from lakthan.network.services.register import get_address, remove_address

    reg = get_address(address, _unit(unit_code))
    remove_address(reg, actor=ACTOR)
    console.print(f"removed {reg.address} from {unit_code}")


@click.command("changes")
@click.option("--unit", "unit_code", default=None)
@click.option("--since", default=None, help="YYYY-MM-DD or ISO-8601 (no offset: Asia/Bangkok)")
@click.option("--json", "as_json", is_flag=True)
def changes(unit_code, since, as_json) -> None:
    """Every change to the register: who, when, what it was before and after."""
    from lakthan.lib.timezones import BANGKOK
    from lakthan.network.services.register import list_changes

    rows = list_changes(unit=_unit(unit_code), since=_instant(since, "--since") if since else None)
    if as_json:
        _echo_json(
            [
                {
                    "at": c.at.isoformat(),
                    "actor": c.actor,
                    "action": c.action,
                    "address": c.address,
                    "before": c.before,
                    "after": c.after,
                    "source": c.source,
                }
                for c in rows
            ]
        )
        return
    table = Table("when (Bangkok)", "who", "action", "address", "unit", "what")
    for c in rows:
        table.add_row(
            c.at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M"),
            c.actor,
            c.action,
            c.address,
            (c.after or c.before or {}).get("unit", ""),
            _what(c.before, c.after),
        )
    console.print(table)


def _what(before: dict | None, after: dict | None) -> str:
    if before is None or after is None:
        shown = after or before or {}
        return ", ".join(
            f"{k}={v}" for k, v in shown.items() if k not in ("key", "address") and v not in ("", None)
        )
    return ", ".join(
        f"{k}: {before.get(k)!r} → {after.get(k)!r}" for k in after if before.get(k) != after.get(k)
    )


def add_to(net: click.Group) -> None:
    for command in (prefix_group, address_group, changes):
        net.add_command(command)
