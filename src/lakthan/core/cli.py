"""`lakthan unit …`"""

from __future__ import annotations

import json

import click
from rich.table import Table

from lakthan.cli_common import console


@click.group()
def unit() -> None:
    """Organisation units (bureau → division → sub-division/checkpoint)."""


@unit.command("add")
@click.argument("code")
@click.option("--name-th", required=True, help="Thai name")
@click.option("--name-en", default="", help="English name")
@click.option("--parent", default=None, help="parent unit code")
@click.option("--kind", default=None, help="bureau | division | subdivision | checkpoint")
def unit_add(code, name_th, name_en, parent, kind) -> None:
    from lakthan.core.services import add_unit

    u = add_unit(code, name_th, name_en=name_en, parent=parent, kind=kind, actor="cli")
    console.print(f"added unit {u.code} {u.name_th}")


@unit.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def unit_list(as_json: bool) -> None:
    from lakthan.core.services import unit_tree

    tree = unit_tree()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "code": u.code,
                        "name_th": u.name_th,
                        "name_en": u.name_en,
                        "kind": u.kind,
                        "parent": u.parent.code if u.parent else None,
                        "depth": depth,
                    }
                    for depth, u in tree
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table("code", "name (th)", "name (en)", "kind")
    for depth, u in tree:
        table.add_row("  " * depth + u.code, u.name_th, u.name_en, u.get_kind_display())
    console.print(table)
COMMANDS = [unit]
