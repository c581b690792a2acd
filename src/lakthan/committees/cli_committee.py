"""`lakthan committee …` (item 7): the committee and its order, members, meetings with attendance,
agenda and minutes, resolutions and their follow-up, the round's findings and its record PDF.

A committee is named by its id or its name; a person by id or by name (``core.people``); a day as
YYYY-MM-DD (C.E.) or YYYY-MM-DDBE; a time as ISO-8601 (no offset: Bangkok). Bad input is one line
and exit 2; a command that stores a file and then fails leaves neither the file nor the record."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from lakthan.cli_common import OutFile, console, parse_date
from lakthan.core.errors import InvalidInput, NotFound

ROLES = ["chair", "vice_chair", "member", "secretary", "assistant_secretary"]
STATUSES = ["open", "in_progress", "done", "dropped"]


def _say(text: str) -> None:
    console.print(text, soft_wrap=True, highlight=False)


def _dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _instant(value: str, option: str) -> datetime:
    from lakthan.lib.timezones import parse_instant

    try:
        return parse_instant(value)
    except ValueError:
        raise InvalidInput(
            f"{option} '{value}' ไม่ใช่เวลา ISO-8601 (เช่น 2013-01-15T09:30+07:00; ไม่ระบุเขตเวลา = เวลาประเทศไทย)",
            f"{option} '{value}' is not an ISO-8601 time (e.g. 2013-01-15T09:30+07:00; no offset = Bangkok)",
        ) from None


def _day(value: str | None, option: str) -> date | None:
    return parse_date(value, option)


def _person(text: str, option: str):
    from lakthan.core.people import person_named

    return person_named(text, option)


def _file(path: str, option: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"{option}: ไม่พบไฟล์ {path}", f"{option}: no file {path}")
    return p


def _text_or_file(value: str, option: str) -> str:
    """``TEXT``, or ``@FILE`` for the text of a UTF-8 file."""
    if not value.startswith("@"):
        return value
    path = _file(value[1:], option)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{option}: {path} ไม่ใช่ข้อความ UTF-8 (ไบต์ที่ {exc.start})",
            f"{option}: {path} is not UTF-8 text (byte {exc.start})",
        ) from None


def _store(unit, path: Path, *, kind: str, title: str, doc_no: str, doc_date: date | None):
    from lakthan.committees.services.committees import store_document

    with path.open("rb") as stream:
        return store_document(
            unit, stream, path.name, kind=kind, title=title, doc_no=doc_no, doc_date=doc_date, actor="cli"
        )


def _committee(text: str):
    from lakthan.committees.services.committees import get_committee

    return get_committee(text)


@click.command("add")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="unit code")
@click.option("--duties", default="", help="the duties as the order states them")
@click.option("--appointed", default=None, help="YYYY-MM-DD (default: the order's date)")
@click.option("--meetings-per-round", type=int, default=1, show_default=True)
@click.option("--order", "order_file", default=None, help="the appointing order (a file)")
@click.option("--order-no", default="", help="the order's number, e.g. 123/2555")
@click.option("--order-date", default=None, help="the order's date, YYYY-MM-DD")
@click.option("--order-evidence", type=int, default=None, help="an order already registered as evidence")
def add_command(
    name, unit_code, duties, appointed, meetings_per_round, order_file, order_no, order_date, order_evidence
) -> None:
    """Adds a committee with the order that appointed it."""
    from django.db import transaction

    from lakthan.committees.services.committees import add_committee
    from lakthan.core.services import get_unit
    from lakthan.evidence.models import Evidence
    from lakthan.evidence.services import removing_orphans

    appointed_on = _day(appointed, "--appointed")
    doc_date = _day(order_date, "--order-date")
    if bool(order_file) == bool(order_evidence):
        raise InvalidInput(
            "ระบุคำสั่งแต่งตั้งอย่างใดอย่างหนึ่ง: --order FILE --order-no --order-date หรือ --order-evidence ID",
            "give the order: either --order FILE --order-no TEXT --order-date DATE, or --order-evidence ID",
        )
    if order_file and (not order_no.strip() or doc_date is None):
        raise InvalidInput(
            "--order ต้องมี --order-no และ --order-date", "--order needs --order-no and --order-date"
        )
    unit = get_unit(unit_code)
    path = _file(order_file, "--order") if order_file else None
    with removing_orphans(), transaction.atomic():
        if path is not None:
            order = _store(
                unit, path, kind="order", title=f"คำสั่งแต่งตั้ง{name}", doc_no=order_no, doc_date=doc_date
            )
        else:
            order = Evidence.objects.filter(pk=order_evidence).first()
            if order is None:
                raise NotFound(f"ไม่พบหลักฐานหมายเลข {order_evidence}", f"no evidence {order_evidence}")
        c = add_committee(
            name,
            unit,
            duties=duties,
            order=order,
            appointed_on=appointed_on,
            meetings_per_round=meetings_per_round,
            actor="cli",
        )
    _say(f"committee {c.pk} added: {escape(c.name)} (unit {unit.code}, order evidence {order.pk})")


@click.command("member")
@click.argument("committee")
@click.argument("person")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--position", default="", help="the position the order names")
@click.option("--since", default=None, help="YYYY-MM-DD (default: the appointment day)")
@click.option("--until", default=None, help="YYYY-MM-DD")
def member_command(committee, person, role, position, since, until) -> None:
    """Adds a member to a committee in a role."""
    from lakthan.committees.services.committees import add_member

    since_day, until_day = _day(since, "--since"), _day(until, "--until")
    c = _committee(committee)
    m = add_member(
        c, _person(person, "PERSON"), role, position=position, since=since_day, until=until_day, actor="cli"
    )
    _say(f"member {m.pk}: {escape(m.person.display_name)} as {role} of {escape(c.name)}")


@click.command("meeting")
@click.argument("committee")
@click.option("--number", required=True, help="as the minutes number it, e.g. 1/2556")
@click.option("--held", required=True, help="ISO-8601 (no offset: Asia/Bangkok)")
@click.option("--place", default="")
@click.option("--agenda", default="", help="TEXT, or @FILE for a UTF-8 file")
@click.option("--minutes", "minutes_file", default=None, help="the minutes (a file)")
@click.option("--minutes-no", default="")
@click.option("--minutes-date", default=None, help="YYYY-MM-DD")
@click.option("--present", multiple=True, help="a member present (person id or name; repeatable)")
@click.option("--absent", multiple=True, help="PERSON or PERSON:reason (repeatable)")
def meeting_command(
    committee, number, held, place, agenda, minutes_file, minutes_no, minutes_date, present, absent
) -> None:
    """Records a meeting with its attendance, agenda and minutes."""
    from django.db import transaction

    from lakthan.committees.services.committees import member_for
    from lakthan.committees.services.meetings import add_meeting
    from lakthan.evidence.services import removing_orphans
    from lakthan.lib.timezones import BANGKOK

    held_at = _instant(held, "--held")
    minutes_day = _day(minutes_date, "--minutes-date")
    agenda_text = _text_or_file(agenda, "--agenda")
    path = _file(minutes_file, "--minutes") if minutes_file else None
    c = _committee(committee)
    day = held_at.astimezone(BANGKOK).date()
    attendees = [member_for(c, _person(p, "--present"), day) for p in present]
    away = {}
    for text in absent:
        who, _, reason = text.partition(":")
        away[member_for(c, _person(who, "--absent"), day)] = reason.strip()
    with removing_orphans(), transaction.atomic():
        minutes = None
        if path is not None:
            minutes = _store(
                c.unit,
                path,
                kind="minutes",
                title=f"รายงานการประชุม{c.name} ครั้งที่ {number}",
                doc_no=minutes_no,
                doc_date=minutes_day,
            )
        m = add_meeting(
            c,
            number=number,
            held_at=held_at,
            place=place,
            agenda=agenda_text,
            minutes=minutes,
            attendees=attendees,
            absent=away,
            actor="cli",
        )
    _say(
        f"meeting {m.pk} recorded: {escape(c.name)} {escape(m.number)}, "
        f"{len(attendees)} present, {len(away)} absent, minutes {'evidence ' + str(minutes.pk) if minutes else 'none'}"
    )


@click.command("resolution")
@click.argument("committee")
@click.argument("meeting_number")
@click.option("--number", type=int, required=True, help="the resolution's number in the meeting")
@click.option("--text", required=True)
@click.option("--owner", default=None, help="person id or name")
@click.option("--due", default=None, help="YYYY-MM-DD")
def resolution_command(committee, meeting_number, number, text, owner, due) -> None:
    """Adds a resolution to a meeting."""
    from lakthan.committees.services.meetings import add_resolution

    due_day = _day(due, "--due")
    c = _committee(committee)
    meeting = c.meetings.filter(number=meeting_number.strip()).first()
    if meeting is None:
        raise NotFound(
            f"ไม่พบการประชุมครั้งที่ {meeting_number} ของ{c.name}", f"no meeting {meeting_number} of {c.name}"
        )
    r = add_resolution(
        meeting,
        number=number,
        text=text,
        owner=_person(owner, "--owner") if owner else None,
        due=due_day,
        actor="cli",
    )
    _say(f"resolution {r.pk}: meeting {escape(meeting.number)} no. {r.number}")


@click.command("follow-up")
@click.argument("resolution_id", type=int)
@click.option("--status", required=True, type=click.Choice(STATUSES))
@click.option("--note", default="")
@click.option("--at", "at", default=None, metavar="ISO-8601", help="when it happened (default: now)")
def follow_up_command(resolution_id, status, note, at) -> None:
    """Moves a resolution's follow-up (open → in_progress → done | dropped), keeping the note."""
    from lakthan.committees.models import Resolution
    from lakthan.committees.services.meetings import follow_up

    r = Resolution.objects.filter(pk=resolution_id).first()
    if r is None:
        raise NotFound(f"ไม่พบมติหมายเลข {resolution_id}", f"no resolution {resolution_id}")
    follow_up(r, status=status, note=note, actor="cli", at=_instant(at, "--at") if at else None)
    _say(f"resolution {r.pk}: {r.status}")


@click.command("list")
@click.option("--unit", "unit_code", default=None, help="this unit and those below it")
@click.option("--json", "as_json", is_flag=True)
def list_command(unit_code, as_json) -> None:
    """The committees with their members and last meeting."""
    from lakthan.committees.services.committees import committees_of
    from lakthan.committees.services.record import committee_data
    from lakthan.core.services import get_unit

    ids = get_unit(unit_code).descendant_ids() if unit_code else None
    rows = [committee_data(c) for c in committees_of(ids)]
    if as_json:
        _dump(rows)
        return
    table = Table("id", "committee", "unit", "order", "members", "last meeting")
    for r in rows:
        order = r["order"]
        last = r["last_meeting"]
        table.add_row(
            str(r["id"]),
            escape(r["name"]),
            r["unit"],
            f"{escape(order['doc_no'])} {order['doc_date'] or ''}" if order else "[red]none[/red]",
            str(len(r["members"])),
            f"{escape(last['number'])} {last['held_at']}" if last else "none",
        )
    console.print(table)


@click.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def show_command(name, as_json) -> None:
    """One committee: its order, members, meetings with attendance and resolutions."""
    from lakthan.committees.services.record import committee_data

    data = committee_data(_committee(name), full=True)
    if as_json:
        _dump(data)
        return
    order = data["order"]
    _say(f"[bold]{escape(data['name'])}[/bold] (unit {data['unit']})")
    _say(
        f"order: {escape(order['doc_no'])} of {order['doc_date']} (evidence {order['evidence']})"
        if order
        else "order: [red]none[/red]"
    )
    members = Table("member", "role", "position", "since", "until")
    for m in data["members"]:
        members.add_row(
            escape(m["name"]), m["role"], escape(m["position"]), m["since"] or "", m["until"] or ""
        )
    console.print(members)
    for m in data["meetings"]:
        _say(
            f"meeting {escape(m['number'])} at {m['held_at']} {escape(m['place'])}: "
            f"{len(m['present'])} present, {len(m['absent'])} absent, "
            f"minutes {escape(m['minutes']['doc_no']) if m['minutes'] else '[red]none[/red]'}"
        )
        for r in m["resolutions"]:
            _say(
                f"  {r['id']}. no. {r['number']} {escape(r['text'])} — {r['status']} (due {r['due'] or '–'})"
            )


def _round(unit_code: str, start: str, end: str):
    from lakthan.core.services import get_unit

    start_day, end_day = _day(start, "--from"), _day(end, "--to")
    if start_day is None or end_day is None:
        raise InvalidInput("ต้องระบุ --from และ --to (YYYY-MM-DD)", "--from and --to are required (YYYY-MM-DD)")
    if end_day < start_day:
        raise InvalidInput(f"--to {end} อยู่ก่อน --from {start}", f"--to {end} is before --from {start}")
    return get_unit(unit_code), start_day, end_day


@click.command("findings")
@click.option("--unit", "unit_code", required=True)
@click.option("--from", "start", required=True, help="YYYY-MM-DD")
@click.option("--to", "end", required=True, help="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True)
def findings_command(unit_code, start, end, as_json) -> None:
    """What the committee's record lacks in the round."""
    from lakthan.committees.services.record import committee_findings

    unit, start_day, end_day = _round(unit_code, start, end)
    findings = committee_findings(unit, start_day, end_day)
    if as_json:
        _dump(findings)
        return
    if not findings:
        _say("no findings")
        return
    table = Table("kind", "committee", "detail")
    for f in findings:
        table.add_row(f["kind"], escape(f["committee"] or "–"), escape(f["detail"]))
    console.print(table)


@click.command("record")
@click.option("--unit", "unit_code", required=True)
@click.option("--from", "start", required=True, help="YYYY-MM-DD")
@click.option("--to", "end", required=True, help="YYYY-MM-DD")
@click.option("--out", required=True, type=OutFile(), help="FILE.pdf")
def record_command(unit_code, start, end, out: Path) -> None:
    """The committee's meeting record of the round as a Thai PDF."""
    from lakthan.committees.services.record import meeting_record_pdf

    unit, start_day, end_day = _round(unit_code, start, end)
    pdf = meeting_record_pdf(unit, start_day, end_day)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(pdf)
    os.replace(tmp, out)
    _say(f"wrote {out} ({len(pdf)} bytes)")


def add_to(group: click.Group) -> None:
    for command in (
        add_command,
        member_command,
        meeting_command,
        resolution_command,
        follow_up_command,
        list_command,
        show_command,
        findings_command,
        record_command,
    ):
        group.add_command(command)
