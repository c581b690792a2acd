"""`lakthan net findings`: addresses seen and not registered, seen with another MAC, registered and not
seen for LAKTHAN_NET_STALE_DAYS, outside the plan, registered twice."""

from __future__ import annotations

import json

import click

from lakthan.cli_common import console, parse_date


@click.command("findings")
@click.option("--unit", "unit_code", default=None, help="this unit and those below it")
@click.option("--as-of", default=None, help="the day judged, YYYY-MM-DD (default today)")
@click.option("--json", "as_json", is_flag=True)
def findings_command(unit_code, as_of, as_json):
    """Network findings: unregistered, mac_mismatch, stale, outside_plan, duplicate_registration."""
    from django.utils import timezone

    from lakthan.core.services import get_unit
    from lakthan.network.engines.findings import counts
    from lakthan.network.services.findings import network_findings

    day = parse_date(as_of, "--as-of")
    unit = get_unit(unit_code) if unit_code else None
    found = network_findings(unit, day)
    if as_json:
        # one finding a line: the C encoder over the whole list, then a break between findings
        text = json.dumps(found, ensure_ascii=False)
        click.echo(text.replace('}, {"kind": ', '},\n{"kind": ') if found else "[]")
        return
    from rich.table import Table

    table = Table("kind", "address", "unit", "hostname", "detail")
    for f in found:
        table.add_row(f["kind"], f["address"], f["unit"] or "-", f["hostname"] or "-", f["detail"])
    console.print(table)
    summary = ", ".join(f"{kind} {n}" for kind, n in counts(found).items())
    console.print(
        f"{len(found)} finding(s) as of {(day or timezone.localdate()).isoformat()}: {summary}",
        highlight=False,
    )


def add_to(group: click.Group) -> None:
    group.add_command(findings_command)
