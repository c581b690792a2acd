"""`lakthan problem sla …` and `lakthan problem calendar …` (item 6): the service levels per severity,
the summary of a unit's problems against them (`problem sla --unit … --from … --to …`, the group run
without a subcommand), its official document, and the work calendar business hours are counted on."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from lakthan.cli_common import console
from lakthan.core.errors import InvalidInput


def _day(text: str | None, option: str) -> date:
    if not text:
        raise InvalidInput(f"ต้องระบุ {option} YYYY-MM-DD", f"{option} YYYY-MM-DD is required")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{option}: วันที่ {text} ไม่ถูกต้อง (ใช้ YYYY-MM-DD แบบ ค.ศ.)",
            f"{option}: bad date {text} (use YYYY-MM-DD)",
        ) from None


def _hours(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    hours, minutes = divmod(int(seconds) // 60, 60)
    return f"{hours}h{minutes:02d}m"


def _local(iso_text: str | None) -> str:
    from lakthan.lib.timezones import BANGKOK, parse_instant

    return parse_instant(iso_text).astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if iso_text else "–"


@click.group("sla", invoke_without_command=True)
@click.option("--unit", "unit_code", help="Unit code; its problems and those of the units below it.")
@click.option("--from", "from_text", help="First day, YYYY-MM-DD (Bangkok).")
@click.option("--to", "to_text", help="Last day, YYYY-MM-DD (Bangkok), included.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sla_group(ctx: click.Context, unit_code, from_text, to_text, as_json) -> None:
    """Service levels: without a subcommand, the summary of a unit's problems in a period (count,
    within SLA, breached, median time to fix, per month and severity)."""
    if ctx.invoked_subcommand is not None:
        if unit_code or from_text or to_text or as_json:
            raise InvalidInput(
                f"--unit/--from/--to/--json ใช้กับ `problem sla` ที่ไม่มีคำสั่งย่อย ไม่ใช่ `{ctx.invoked_subcommand}`",
                f"--unit/--from/--to/--json belong to `problem sla` itself, not `{ctx.invoked_subcommand}`",
            )
        return
    from lakthan.cli import setup_django

    setup_django()  # a group's own callback runs before Django is set up (lakthan.cli)
    from lakthan.core.services import get_unit
    from lakthan.problems.services.sla_summary import sla_summary

    if not unit_code:
        raise InvalidInput("ต้องระบุ --unit CODE", "--unit CODE is required")
    start, end = _day(from_text, "--from"), _day(to_text, "--to")
    unit = get_unit(unit_code)
    summary = sla_summary(unit, start, end)
    if as_json:
        out = {"unit": unit.code, "from": start.isoformat(), "to": end.isoformat(), **summary}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    judged = summary["within_sla"] + len(summary["breached"])
    console.print(
        f"[bold]{escape(unit.code)}[/bold] {start} – {end}: {summary['problems']} problems, "
        f"{summary['closed']} closed, {summary['open']} open · within SLA {summary['within_sla']} · "
        f"breached {len(summary['breached'])}"
        + (f" ({summary['within_sla'] * 100 / judged:.1f}% within)" if judged else "")
        + f" · no SLA {summary['no_sla']} · median time to fix {_hours(summary['median_fix_s'])}"
    )
    table = Table("month", "problems", "within SLA", "breached", "median fix")
    for m in summary["months"]:
        table.add_row(
            m["month"],
            str(m["problems"]),
            str(m["within_sla"]),
            str(m["breached"]),
            _hours(m["median_fix_s"]),
        )
    console.print(table)
    if summary["breached"]:
        table = Table("id", "severity", "unit", "title", "due", "fixed", "over")
        for b in summary["breached"]:
            table.add_row(
                str(b["id"]),
                str(b["severity"]),
                b["unit"],
                escape(b["title"]),
                _local(b["due_at"]),
                _local(b["fixed_at"]) if b["fixed_at"] else "open",
                _hours(b["over_s"]),
            )
        console.print(table)


@sla_group.command("set")
@click.option("--severity", type=click.IntRange(1, 4), required=True, help="1 (most severe) to 4.")
@click.option("--hours", type=click.IntRange(min=1), required=True, help="Hours allowed to fix.")
@click.option("--business-hours", is_flag=True, help="Count office hours on workdays only.")
def sla_set(severity: int, hours: int, business_hours: bool) -> None:
    """Sets the time to fix a problem of a severity (problems reported from now on)."""
    from lakthan.problems.services.sla import set_target

    target = set_target(severity, hours, business_hours, actor="cli")
    kind = "business hours" if target.business_hours else "hours"
    console.print(f"severity {target.severity}: {target.hours} {kind}")


def _target_rows() -> list[dict]:
    from lakthan.problems.services.sla import targets_in_force
    from lakthan.problems.services.sla_summary import SEVERITY_EN, SEVERITY_TH

    targets = targets_in_force()
    return [
        {
            "severity": s,
            "label_th": SEVERITY_TH[s],
            "label_en": SEVERITY_EN[s],
            "hours": targets[s].hours if s in targets else None,
            "business_hours": targets[s].business_hours if s in targets else None,
            "set_by": targets[s].set_by if s in targets else None,
            "set_at": targets[s].set_at.isoformat() if s in targets else None,
        }
        for s in (1, 2, 3, 4)
    ]


@sla_group.command("show")
@click.option("--json", "as_json", is_flag=True)
def sla_show(as_json: bool) -> None:
    """The targets in force, per severity."""
    rows = _target_rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("severity", "", "time to fix", "set by", "set at")
    for r in rows:
        if r["hours"] is None:
            table.add_row(str(r["severity"]), r["label_en"], "not set", "", "")
            continue
        kind = "business hours" if r["business_hours"] else "hours"
        table.add_row(
            str(r["severity"]),
            r["label_en"],
            f"{r['hours']} {kind}",
            escape(r["set_by"]),
            _local(r["set_at"]),
        )
    console.print(table)


@sla_group.command("report")
@click.option("--unit", "unit_code", required=True)
@click.option("--from", "from_text", required=True, help="YYYY-MM-DD")
@click.option("--to", "to_text", required=True, help="YYYY-MM-DD, included")
@click.option("--out", required=True, help="FILE.pdf")
def sla_report(unit_code: str, from_text: str, to_text: str, out: str) -> None:
    """Writes the official summary "สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ" as PDF."""
    from lakthan.core.services import get_unit
    from lakthan.lib.files import write_atomic
    from lakthan.problems.services.sla_summary import problems_pdf

    if Path(out).suffix.lower() != ".pdf":
        raise InvalidInput(
            f"ไฟล์ผลลัพธ์ต้องลงท้ายด้วย .pdf (ได้ {out})", f"the output file must end in .pdf (got {out})"
        )
    start, end = _day(from_text, "--from"), _day(to_text, "--to")
    if end < start:
        raise InvalidInput(f"--to ({end}) อยู่ก่อน --from ({start})", f"--to ({end}) is before --from ({start})")
    unit = get_unit(unit_code)
    write_atomic(Path(out), problems_pdf(unit, start, end))
    click.echo(out)


@click.group("calendar")
def calendar_group() -> None:
    """The work calendar business hours are counted on: office hours, workdays, public holidays."""


@calendar_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def calendar_load(file: Path) -> None:
    """Validates FILE whole (each fault named by its line) and puts it in force."""
    from lakthan.problems.services.sla import load_calendar

    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InvalidInput(
            f"{file}: อ่านไฟล์ไม่ได้ ({exc.strerror})", f"{file}: cannot read ({exc.strerror})"
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{file}: ไฟล์ไม่ใช่ UTF-8", f"{file}: the file is not UTF-8") from None
    row = load_calendar(text, str(file), actor="cli")
    holidays = row.holidays.all()
    years = sorted({h.day.year for h in holidays})
    span = f", {years[0]}–{years[-1]}" if years else ""
    console.print(
        f"calendar {escape(row.name)} loaded: office {row.office_start:%H:%M}–{row.office_end:%H:%M}, "
        f"{len(holidays)} holidays{span}"
    )


@calendar_group.command("show")
@click.option("--year", type=click.IntRange(1900, 2600), help="Only this year's holidays (C.E.).")
@click.option("--json", "as_json", is_flag=True)
def calendar_show(year: int | None, as_json: bool) -> None:
    """The calendar in force and its holidays."""
    from lakthan.problems.services.sla import calendar_info

    info = calendar_info(year)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    days = " ".join(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in info["workdays"])
    source = (
        "shipped"
        if info["source"] == "shipped"
        else f"loaded by {info['loaded_by']} {_local(info['loaded_at'])}"
    )
    console.print(
        f"[bold]{escape(info['name'])}[/bold] ({source}): office {info['office_start']}–{info['office_end']}, {days}"
    )
    table = Table("day", "", "holiday", "holiday (en)")
    for h in info["holidays"]:
        day = date.fromisoformat(h["day"])
        table.add_row(h["day"], f"{day:%a}", h["name_th"], escape(h["name_en"]))
    console.print(table)
    console.print(f"{len(info['holidays'])} holidays")


def add_to(problem: click.Group) -> None:
    problem.add_command(sla_group)
    problem.add_command(calendar_group)
