"""`lakthan data freshness` (item 5): each dataset's last update and whether it is late at a moment;
`lakthan data report`: the round's document "ผลการตรวจสอบความเป็นปัจจุบันและคุณภาพของข้อมูล"."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lakthan.cli_common import OutFile, console, parse_date
from lakthan.core.errors import InvalidInput


def parse_as_of(text: str | None):
    """--as-of as an aware instant (a time written without an offset is Bangkok's); not in the future."""
    from django.utils import timezone

    from lakthan.lib.timezones import parse_instant

    if not text:
        return None
    try:
        moment = parse_instant(text)
    except ValueError:
        raise InvalidInput(
            f"--as-of '{text}' ไม่ใช่เวลารูปแบบ ISO-8601 (เช่น 2026-01-31T17:00+07:00)",
            f"--as-of '{text}' is not an ISO-8601 time (e.g. 2026-01-31T17:00+07:00)",
        ) from None
    if moment > timezone.now():
        raise InvalidInput(f"--as-of '{text}' เป็นเวลาในอนาคต", f"--as-of '{text}' is in the future")
    return moment


def _late_text(row: dict) -> str:
    from lakthan.lib.durations import format_duration

    if row["late"] is None:
        return "[yellow]unknown[/yellow]"
    if row["late"]:
        return f"[red]late {format_duration(row['late_by_s'])}[/red]"
    return "[green]current[/green]"


@click.command("freshness")
@click.option("--unit", "unit_code", default=None, help="this unit and those below it (default: every unit)")
@click.option(
    "--as-of", "as_of", default=None, help="the moment judged, ISO-8601 (default now; Bangkok if no offset)"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def freshness_command(unit_code, as_of, as_json) -> None:
    """Each active dataset's last update, expected interval and whether it is late at the moment judged,
    from the newest reading at or before it. Reports; never fails for a late dataset."""
    from rich.table import Table

    from lakthan.core.services import get_unit
    from lakthan.data.services.freshness import freshness
    from lakthan.lib.durations import format_duration
    from lakthan.lib.timezones import BANGKOK, parse_instant

    moment = parse_as_of(as_of)
    unit = get_unit(unit_code) if unit_code else None
    rows = freshness(unit, moment)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("dataset", "unit", "system", "last update (Bangkok)", "every", "freshness", "read")
    for r in rows:
        last = (
            parse_instant(r["last_update"]).astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")
            if r["last_update"]
            else "-"
        )
        read = "-" if r["read_ok"] is None else ("ok" if r["read_ok"] else f"[red]failed: {r['error']}[/red]")
        table.add_row(
            r["dataset"],
            r["unit"],
            r["system"] or "-",
            last,
            format_duration(r["expected_every_s"]),
            _late_text(r),
            read,
        )
    console.print(table)
    late = sum(bool(r["late"]) for r in rows)
    console.print(f"{len(rows)} dataset(s), {late} late", highlight=False)


@click.command("report")
@click.option("--unit", "unit_code", required=True, help="unit code; with the units below it")
@click.option("--from", "start_text", required=True, help="first day, YYYY-MM-DD (Bangkok)")
@click.option("--to", "end_text", required=True, help="last day, YYYY-MM-DD (Bangkok), included")
@click.option("--out", "out", type=OutFile(), required=True, help="the PDF to write")
def report_command(unit_code, start_text, end_text, out) -> None:
    """The round's document: the freshness and quality table of every dataset and the picture."""
    from lakthan.core.services import get_unit
    from lakthan.data.services.freshness import check_period, data_pdf
    from lakthan.lib.files import write_atomic

    start, end = parse_date(start_text, "--from"), parse_date(end_text, "--to")
    if start is None or end is None:
        raise InvalidInput("ต้องระบุ --from และ --to", "--from and --to are required")
    check_period(start, end)
    unit = get_unit(unit_code)
    write_atomic(Path(out), data_pdf(unit, start, end))
    console.print(f"wrote {out}", highlight=False)


def add_to(group: click.Group) -> None:
    group.add_command(freshness_command)
    group.add_command(report_command)
