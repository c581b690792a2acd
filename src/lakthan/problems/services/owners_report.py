"""Item 6's problem part: who answers for the problems of each system at a unit and the units below
it, from the work-assignment orders — rows for the check and the official list printed beside the
report — and the printed form of every problem fixed in the round, bound into one document."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.db.models import Q

from lakthan.core.models import Unit
from lakthan.lib.thai import format_date
from lakthan.lib.timezones import end_of_day
from lakthan.problems.models import Problem, ProblemOwner
from lakthan.reports import plain_document as document
from lakthan.reports.render_pdf import render_pdf_from_html

FORMS_BOUND = 200  # the printed forms bound into one document; the summary lists every problem


def reported_in(unit: Unit, start: date, end: date):
    """The problems the unit and the units below it reported in the round (Bangkok days)."""
    return Problem.objects.filter(
        unit_id__in=unit.descendant_ids(),
        reported_at__gte=end_of_day(start - timedelta(days=1)),
        reported_at__lt=end_of_day(end),
    )


def _order(evidence) -> dict | None:
    if evidence is None:
        return None
    return {
        "evidence": evidence.pk,
        "doc_no": evidence.doc_no,
        "doc_date": evidence.doc_date.isoformat() if evidence.doc_date else None,
        "title": evidence.title,
    }


def problem_owners(unit: Unit, start: date, end: date) -> list[dict]:
    """One row per system whose problems the unit or a unit below it reported in the round, or that
    has an owner for those units: the owners in force at the end of the round and their orders."""
    ids = unit.descendant_ids()
    reported = set(reported_in(unit, start, end).exclude(system=None).values_list("system_id", flat=True))
    in_force = (Q(since__isnull=True) | Q(since__lte=end)) & (Q(until__isnull=True) | Q(until__gte=end))
    owners = list(
        ProblemOwner.objects.filter(in_force)
        .filter(Q(unit__isnull=True) | Q(unit_id__in=ids))
        .select_related("system", "unit", "person", "order")
        .order_by("system__code", "unit__code", "pk")
    )
    systems = {o.system_id: o.system for o in owners}
    for problem in Problem.objects.filter(system_id__in=reported - set(systems)).select_related("system"):
        if problem.system is not None:
            systems.setdefault(problem.system.pk, problem.system)
    return [
        {
            "system": system.code,
            "had_problems": system_id in reported,
            "owners": [
                {
                    "person": o.person.display_name,
                    "position": o.person.position_th,
                    "unit": o.unit.code if o.unit else "",
                    "order": _order(o.order),
                }
                for o in owners
                if o.system_id == system_id
            ],
        }
        for system_id, system in sorted(systems.items(), key=lambda kv: kv[1].code)
    ]


def _order_th(order: dict | None) -> str:
    if order is None:
        return '<span class="miss">ยังไม่มีคำสั่ง</span>'
    text = document.number(document.escape(order["doc_no"] or order["title"]))
    if order["doc_date"]:
        text += " ลงวันที่ " + format_date(date.fromisoformat(order["doc_date"]), thai_digits=document.thai())
    return text


def owners_html(unit: Unit, start: date, end: date) -> str:
    lines: list[str] = []
    for row in problem_owners(unit, start, end):
        owners = row["owners"] or [None]
        for owner in owners:
            who = (
                '<span class="miss">ยังไม่มีผู้รับผิดชอบ</span>'
                if owner is None
                else document.escape(owner["person"])
                + (
                    f"<br><span class=muted>{document.escape(owner['position'])}</span>"
                    if owner["position"]
                    else ""
                )
            )
            where = "ทุกหน่วยงาน" if owner is None or not owner["unit"] else document.escape(owner["unit"])
            order = _order_th(owner["order"]) if owner else "–"
            lines.append(
                f"<tr><td class=c>{document.number(len(lines) + 1)}</td><td>{document.escape(row['system'])}</td>"
                f"<td>{where}</td><td>{who}</td><td>{order}</td></tr>"
            )
    table = (
        "<table><thead><tr><th>ที่</th><th>ระบบ</th><th>หน่วยงานที่รับผิดชอบ</th>"
        f"<th>ผู้รับผิดชอบการแก้ไขปัญหา</th><th>คำสั่งมอบหมาย</th></tr></thead><tbody>{''.join(lines)}</tbody></table>"
        if lines
        else "<p>ยังไม่มีระบบที่มีการรายงานปัญหาหรือมีผู้รับผิดชอบ</p>"
    )
    span = f"{format_date(start, style='long', thai_digits=document.thai())} ถึง {format_date(end, style='long', thai_digits=document.thai())}"
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>บัญชีผู้รับผิดชอบการแก้ไขปัญหา {document.escape(unit.name_th)}</title>
<style>{document.css(table_pt=14)} td.c {{ text-align: center; }}</style></head><body>
<h1>บัญชีผู้รับผิดชอบการแก้ไขปัญหาการใช้งานระบบสารสนเทศ</h1>
<p class=sub>{document.escape(unit.name_th)}<br>{span}</p>
{table}</body></html>"""


def owners_pdf(unit: Unit, start: date, end: date) -> bytes:
    return render_pdf_from_html(owners_html(unit, start, end))


def forms_pdf(unit: Unit, start: date, end: date) -> bytes | None:
    """The printed form of every problem reported in the round and fixed, in the order reported,
    bound into one PDF (None when there is none)."""
    from pypdf import PdfWriter

    from lakthan.problems.services.problem_form import problem_pdf

    fixed = list(
        reported_in(unit, start, end)
        .filter(status=Problem.Status.CLOSED)
        .select_related("unit", "system", "assignee")
        .order_by("reported_at", "pk")[:FORMS_BOUND]
    )
    if not fixed:
        return None
    writer = PdfWriter()
    for problem in fixed:
        writer.append(io.BytesIO(problem_pdf(problem)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
