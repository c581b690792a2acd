"""`lakthan ops usage` (item 4): which systems are really used at which units and checkpoints, per
Bangkok month, from the inventory, the address plan and the sealed usage logs."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import OutFile, console, parse_date
from lakthan.core.errors import InvalidInput


@click.command("usage")
@click.option("--unit", "unit_code", required=True, help="unit code; with the units below it")
@click.option("--from", "start_text", required=True, help="first day, YYYY-MM-DD (Bangkok)")
@click.option("--to", "end_text", required=True, help="last day, YYYY-MM-DD (Bangkok), included")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--pdf", "pdf_out", type=OutFile(), default=None, help="also write the report to FILE.pdf")
@click.option("--png", "png_out", type=OutFile(), default=None, help="also write the chart to FILE.png")
def usage_command(unit_code, start_text, end_text, as_json, pdf_out, png_out) -> None:
    """Systems installed and in use at every unit: events and distinct users per system, unit and month;
    silent installations (declared, no event) are the findings."""
    from lakthan.core.services import get_unit
    from lakthan.lib.files import write_atomic
    from lakthan.operations.services import usage as svc

    start, end = parse_date(start_text, "--from"), parse_date(end_text, "--to")
    if start is None or end is None:
        raise InvalidInput("ต้องระบุ --from และ --to", "--from and --to are required")
    unit = get_unit(unit_code)
    result = svc.usage(unit, start, end)
    if pdf_out:
        write_atomic(Path(pdf_out), svc.usage_pdf(unit, start, end))
    if png_out:
        write_atomic(Path(png_out), svc.usage_png(unit, start, end))
    if as_json:
        click.echo(
            json.dumps(
                {"unit": unit.code, "from": start.isoformat(), "to": end.isoformat(), **result},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table("system", "unit", "installed", "in use", "events")
    for r in result["installations"]:
        table.add_row(
            r["system"],
            r["unit"],
            r["declared_by"],
            "[green]yes[/green]" if r["in_use"] else "[red]silent[/red]",
            str(r["events"]),
        )
    console.print(table)
    months = Table("system", "unit", "month", "events", "users")
    for r in result["rows"]:
        if r["events"]:
            users = "–" if r["users"] is None else str(r["users"])
            months.add_row(r["system"], r["unit"], r["month"], str(r["events"]), users)
    console.print(months)
    silent = [f"{r['system']}@{r['unit']}" for r in result["silent"]]
    console.print(f"silent installations: {', '.join(silent) or 'none'}", highlight=False)
    for out in (pdf_out, png_out):
        if out:
            console.print(f"wrote {out}", highlight=False)


def add_to(group: click.Group) -> None:
    group.add_command(usage_command)
