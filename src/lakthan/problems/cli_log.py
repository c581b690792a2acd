"""`lakthan problem add|assign|start|close|cancel|reopen|list|show|form`: the problem log (item 6)."""

from __future__ import annotations

import json

import click
from rich.table import Table

from lakthan.cli_common import OutFile, console, parse_date
from lakthan.core.errors import InvalidInput

ACTOR = "cli"
STATUSES = ["open", "in_progress", "closed", "cancelled", "unresolved"]


def unit_of(code):
    from lakthan.core.services import get_unit

    return get_unit(code) if code is not None else None  # "" is a bad code, not "every unit"


def system_of(text):
    """A system by its code, or by its Thai or English name when exactly one has it."""
    from lakthan.core.errors import NotFound
    from lakthan.inventory.models import System
    from lakthan.inventory.services import get_system

    if not text:
        return None
    try:
        return get_system(text)
    except NotFound:
        found = list(System.objects.filter(name_th=text.strip())) or list(
            System.objects.filter(name_en=text.strip())
        )
        if len(found) == 1:
            return found[0]
        raise


def person_of(text, option: str):
    from lakthan.core.people import person_named

    return person_named(text, option) if text else None


def instant(value: str, option: str):
    from lakthan.lib.timezones import parse_instant

    try:
        return parse_instant(value)
    except ValueError:
        raise InvalidInput(
            f"{option} '{value}' ไม่ใช่เวลา ISO-8601 (เช่น 2013-07-11T09:05 หรือ 2013-07-11T09:05+07:00)",
            f"{option} '{value}' is not an ISO-8601 time (e.g. 2013-07-11T09:05 or 2013-07-11T09:05+07:00)",
        ) from None


def severity_of(value: str) -> int:
    text = (value or "").strip()
    if not (text.isdigit() and 1 <= int(text) <= 4):
        raise InvalidInput(
            f"--severity '{value}' ต้องเป็น 1–4 (1 วิกฤต 2 สูง 3 ปานกลาง 4 ต่ำ)",
            f"--severity '{value}' must be 1–4 (1 critical, 2 high, 3 medium, 4 low)",
        )
    return int(text)


def _problem(pk: str):
    from lakthan.problems.services.log import get_problem

    return get_problem(pk)


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=1, default=str))


def _line(p) -> str:
    from lakthan.lib.timezones import BANGKOK

    due = p.due_at.astimezone(BANGKOK).isoformat(timespec="minutes") if p.due_at else "no SLA"
    who = p.assignee.display_name if p.assignee_id else "unassigned"
    return f"problem #{p.pk} severity {p.severity} {p.status} assignee {who} due {due}"


def add_to(group: click.Group) -> None:
    @group.command("add")
    @click.option("--unit", "unit_code", required=True, help="the reporting unit's code")
    @click.option("--system", "system_name", default=None, help="the system's code or name")
    @click.option("--severity", required=True, help="1 critical, 2 high, 3 medium, 4 low")
    @click.option("--title", required=True)
    @click.option("--reported", required=True, help="ISO-8601; without an offset, Bangkok time")
    @click.option("--assignee", default=None, help="person id or name (default: the system's owner)")
    @click.option("--detail", default="")
    @click.option("--reported-by", default="", help="who reported it, as written")
    @click.option("--json", "as_json", is_flag=True)
    def add(unit_code, system_name, severity, title, reported, assignee, detail, reported_by, as_json):
        """Log a problem; prints it with its id."""
        from lakthan.problems.services.log import add_problem, as_dict

        level = severity_of(severity)
        problem = add_problem(
            unit_of(unit_code),
            severity=level,
            title=title,
            reported_at=instant(reported, "--reported"),
            system=system_of(system_name),
            detail=detail,
            reported_by=reported_by,
            assignee=person_of(assignee, "--assignee"),
            actor=ACTOR,
        )
        if as_json:
            _echo_json(as_dict(problem))
        else:
            console.print(f"added {_line(problem)}", highlight=False)

    @group.command("assign")
    @click.argument("problem_id")
    @click.argument("person")
    @click.option("--note", default="")
    def assign_command(problem_id, person, note):
        """Make a person responsible for the problem."""
        from lakthan.problems.services.log import assign

        done = assign(_problem(problem_id), person_of(person, "PERSON"), actor=ACTOR, note=note)
        console.print(_line(done), highlight=False)

    @group.command("start")
    @click.argument("problem_id")
    @click.option("--note", default="")
    def start_command(problem_id, note):
        """Work on the problem has begun."""
        from lakthan.problems.services.log import start

        console.print(_line(start(_problem(problem_id), actor=ACTOR, note=note)), highlight=False)

    @group.command("close")
    @click.argument("problem_id")
    @click.option("--fixed", required=True, help="ISO-8601; without an offset, Bangkok time")
    @click.option("--fix", required=True, help="what was done")
    @click.option("--result", default="", help="the outcome, as the unit confirmed it")
    def close_command(problem_id, fixed, fix, result):
        """The problem is fixed."""
        from lakthan.problems.services.log import close_problem, within_sla

        done = close_problem(
            _problem(problem_id), fixed_at=instant(fixed, "--fixed"), fix=fix, result=result, actor=ACTOR
        )
        verdict = {True: "within SLA", False: "SLA breached", None: "no SLA"}[within_sla(done)]
        console.print(f"{_line(done)} ({verdict})", highlight=False)

    @group.command("cancel")
    @click.argument("problem_id")
    @click.option("--reason", required=True)
    def cancel_command(problem_id, reason):
        """Not a problem after all (a duplicate, reported in error)."""
        from lakthan.problems.services.log import cancel

        console.print(_line(cancel(_problem(problem_id), reason=reason, actor=ACTOR)), highlight=False)

    @group.command("reopen")
    @click.argument("problem_id")
    @click.option("--reason", required=True)
    def reopen_command(problem_id, reason):
        """A closed or cancelled problem back to open."""
        from lakthan.problems.services.log import reopen

        console.print(_line(reopen(_problem(problem_id), reason=reason, actor=ACTOR)), highlight=False)

    @group.command("list")
    @click.option("--unit", "unit_code", default=None, help="this unit and those below it")
    @click.option("--status", type=click.Choice(STATUSES), default=None)
    @click.option("--from", "start", default=None, help="reported from YYYY-MM-DD (Bangkok day)")
    @click.option("--to", "end", default=None, help="reported up to YYYY-MM-DD, included")
    @click.option("--json", "as_json", is_flag=True)
    def list_command(unit_code, status, start, end, as_json):
        """The problem log, newest first."""
        from lakthan.lib.timezones import BANGKOK
        from lakthan.problems.services.log import as_dict, list_problems

        first, last = parse_date(start, "--from"), parse_date(end, "--to")
        if first and last and last < first:
            raise InvalidInput("--to อยู่ก่อน --from", "--to is before --from")
        problems = list(list_problems(unit_of(unit_code), status=status, start=first, end=last))
        if as_json:
            _echo_json([as_dict(p) for p in problems])
            return
        table = Table("id", "unit", "system", "sev", "title", "reported", "assignee", "status", "due")
        for p in problems:
            row = as_dict(p)
            table.add_row(
                str(p.pk),
                p.unit.code,
                row["system"] or "",
                str(p.severity),
                p.title,
                p.reported_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M"),
                row["assignee_name"] or "",
                p.status,
                ("OVERDUE " if row["overdue"] else "")
                + (p.due_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if p.due_at else ""),
            )
        console.print(table)

    @group.command("show")
    @click.argument("problem_id")
    @click.option("--json", "as_json", is_flag=True)
    def show_command(problem_id, as_json):
        """One problem with its history."""
        from lakthan.problems.services.log import as_dict, history, update_dict

        problem = _problem(problem_id)
        body = {**as_dict(problem), "updates": [update_dict(u) for u in history(problem)]}
        if as_json:
            _echo_json(body)
            return
        for key, value in body.items():
            if key != "updates":
                console.print(f"{key}: {value if value not in (None, '') else '–'}", highlight=False)
        table = Table("at", "actor", "status", "assignee", "note")
        for u in body["updates"]:
            table.add_row(u["at"], u["actor"], u["status"], u["assignee_name"] or "", u["note"])
        console.print(table)

    @group.command("form")
    @click.argument("problem_id")
    @click.option("--out", required=True, type=OutFile(), help="FILE.pdf")
    def form_command(problem_id, out):
        """The printable problem report (แบบรายงานปัญหาการใช้งานระบบสารสนเทศ) as PDF."""
        from lakthan.lib.files import write_atomic
        from lakthan.problems.services.problem_form import problem_pdf

        data = problem_pdf(_problem(problem_id))
        write_atomic(out, data)
        console.print(f"wrote {out} ({len(data)} bytes)", highlight=False)
