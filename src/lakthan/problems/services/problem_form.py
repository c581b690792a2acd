"""The printable form of one problem, the seed's "แบบรายงานปัญหาการใช้งานระบบสารสนเทศ" (item 6's "problem
report with the person responsible, the fix and the result"): the unit, the system, the severity,
when and by whom it was reported, the person responsible and the order that names them, the problem,
the fix, the result, when it was fixed, the time it took against its service level, and every update.
Official Thai style as the other documents (A4 portrait here: a form, not a table): the report font
at the size of TH SarabunPSK 16 pt, the official margins, B.E. dates, Thai digits unless
LAKTHAN_THAI_DIGITS is off; rendered by reports.render_pdf."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from lakthan.lib.durations import format_duration_th
from lakthan.lib.thai import format_date, format_datetime
from lakthan.lib.timezones import BANGKOK
from lakthan.problems.models import Problem, ProblemOwner
from lakthan.problems.services import log, owners
from lakthan.reports import plain_document as document
from lakthan.reports.fonts import page_margin_css, report_font

TITLE = "แบบรายงานปัญหาการใช้งานระบบสารสนเทศ"
EVENT_TH = {
    "reported": "รับแจ้งปัญหา",
    "assigned": "มอบหมายผู้รับผิดชอบ",
    "started": "เริ่มดำเนินการแก้ไข",
    "closed": "แก้ไขเสร็จ",
    "cancelled": "ยกเลิก",
    "reopened": "เปิดใหม่",
    "updated": "บันทึกเพิ่มเติม",
}


def _dt(value: datetime | None, style: str = "long") -> str:
    return format_datetime(value, style=style, thai_digits=document.thai()) if value else "–"


def _text(value: str) -> str:
    """A person's text, escaped, its line breaks kept; a dash when empty."""
    if not value.strip():
        return '<span class="muted">–</span>'
    return "<br>".join(document.escape(line) for line in value.strip().splitlines())


def order_of(problem: Problem) -> ProblemOwner | None:
    """The owner entry (with its order) that names the problem's assignee for its system on the day
    it was reported: the one in force when it is the assignee, else any that covered that day."""
    if problem.system_id is None or problem.assignee_id is None:
        return None
    day = problem.reported_at.astimezone(BANGKOK).date()
    assert problem.system is not None
    in_force = owners.owner_for(problem.system, problem.unit, day)
    if in_force is not None and in_force.person_id == problem.assignee_id:
        return in_force
    return (
        ProblemOwner.objects.select_related("order")
        .filter(owners.covering(day), system=problem.system, person_id=problem.assignee_id)
        .order_by("-since", "-pk")
        .first()
    )


def _responsible(problem: Problem) -> str:
    if problem.assignee is None:
        return '<span class="muted">ยังไม่มอบหมาย</span>'
    person = problem.assignee
    text = document.escape(person.display_name)
    if person.position_th:
        text += f" ตำแหน่ง {document.escape(person.position_th)}"
    owner = order_of(problem)
    if owner is not None and owner.order is not None:
        order = owner.order
        no = f"ที่ {document.number(document.escape(order.doc_no))}" if order.doc_no else ""
        day = (
            f" ลงวันที่ {format_date(order.doc_date, style='long', thai_digits=document.thai())}"
            if order.doc_date
            else ""
        )
        text += f"<br>ตามคำสั่ง{document.escape(' ' + order.title) if order.title else ''} {no}{day}"
    return text


def _sla(problem: Problem, now: datetime) -> str:
    taken = log.time_taken_s(problem, now)
    counted = "นับเฉพาะเวลาทำการ" if problem.sla_business_hours else "นับตามเวลาจริง"
    used = (
        '<span class="muted">–</span>'
        if taken is None
        else document.number(format_duration_th(taken)) + ("" if problem.fixed_at else " (ถึงขณะนี้)")
    )
    if problem.sla_hours is None:
        return f"{used}<br>เกณฑ์ระดับการให้บริการ: ไม่มีเกณฑ์สำหรับระดับความรุนแรงนี้"
    target = f"{document.number(problem.sla_hours)} ชั่วโมง ({counted}) ครบกำหนด {_dt(problem.due_at)}"
    verdict = log.within_sla(problem)
    if verdict is True:
        judged = "<b>แก้ไขภายในเวลาที่กำหนด</b>"
    elif verdict is False:
        judged = '<b class="miss">แก้ไขเกินเวลาที่กำหนด</b>'
    elif problem.status == Problem.Status.CANCELLED:
        judged = '<span class="muted">ยกเลิก ไม่นับ</span>'
    elif log.is_overdue(problem, now):
        judged = '<b class="miss">ยังไม่แก้ไข และเกินเวลาที่กำหนดแล้ว</b>'
    else:
        judged = "ยังไม่แก้ไข อยู่ในเวลาที่กำหนด"
    return f"{used}<br>เกณฑ์ระดับการให้บริการ {target}<br>ผล: {judged}"


def _history(problem: Problem) -> str:
    rows, previous = [], None
    for no, update in enumerate(log.history(problem), 1):
        event = EVENT_TH[log.event_of(update, previous)]
        rows.append(
            f"<tr><td class=c>{document.number(no)}</td><td class=n>{_dt(update.at, 'short')}</td>"
            f"<td>{event}</td><td>{log.STATUS_TH[Problem.Status(update.status)]}</td>"
            f"<td>{document.escape(update.assignee.display_name) if update.assignee else '–'}</td>"
            f"<td>{_text(update.note)}</td><td>{document.escape(update.actor)}</td></tr>"
        )
        previous = update
    return (
        "<table class=history><colgroup><col class=no><col class=at><col class=ev><col class=st>"
        "<col class=who><col class=note><col class=by></colgroup><thead><tr><th>ลำดับ</th><th>วันเวลา</th><th>การดำเนินการ</th><th>สถานะ</th>"
        "<th>ผู้รับผิดชอบ</th><th>บันทึก</th><th>ผู้บันทึก</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _css() -> str:
    font = report_font()
    return (
        document.css(table_pt=13)
        + f"""
@page {{ size: A4 portrait; margin: {page_margin_css()};
  @bottom-right {{ content: {document.page_counter()}; font-size: {font.pt(12)}pt; }} }}
table.form th {{ width: 28%; text-align: left; background: #f7f7f7; }}
table.form {{ font-size: {font.pt(16)}pt; }}
table.history td.c {{ text-align: center; }} table.history td.n {{ white-space: nowrap; }}
col.no {{ width: 6%; }} col.at {{ width: 19%; }} col.ev {{ width: 15%; }} col.st {{ width: 10%; }}
col.who {{ width: 16%; }} col.note {{ width: 22%; }} col.by {{ width: 12%; }}
.signs {{ display: flex; justify-content: space-between; margin-top: 24pt; break-inside: avoid; }}
.signs div {{ width: 45%; text-align: center; }}
"""
    )


def form_html(problem: Problem, now: datetime | None = None) -> str:
    now = now or timezone.now()
    thai = document.thai()
    system = "–"
    if problem.system is not None:
        system = document.escape(problem.system.name_th)
        if problem.system.code != problem.system.name_th:
            system += f' <span class="muted">({document.escape(problem.system.code)})</span>'
    severity = f"{document.number(problem.severity)} ({log.SEVERITY_TH[problem.severity]})"
    reported_by = document.escape(problem.reported_by) if problem.reported_by else "–"
    rows = [
        ("หน่วยงานที่แจ้ง", f"{document.escape(problem.unit.name_th)}"),
        ("ระบบสารสนเทศ", system),
        ("ระดับความรุนแรง", severity),
        ("วันเวลาที่รับแจ้ง", _dt(problem.reported_at)),
        ("ผู้แจ้ง", reported_by),
        ("ผู้รับผิดชอบการแก้ไข", _responsible(problem)),
        ("ปัญหาที่พบ", f"<b>{document.escape(problem.title)}</b><br>{_text(problem.detail)}"),
        ("วิธีการแก้ไข", _text(problem.fix)),
        ("ผลการแก้ไข", _text(problem.result)),
        ("วันเวลาที่แก้ไขเสร็จ", _dt(problem.fixed_at)),
        ("ระยะเวลาที่ใช้แก้ไข", _sla(problem, now)),
        ("สถานะ", log.STATUS_TH[Problem.Status(problem.status)]),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    made = format_date(now, style="long", thai_digits=thai)
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>{TITLE} เลขที่ {document.number(problem.pk)}</title><style>{_css()}</style></head><body>
<h1>{TITLE}</h1>
<p class=sub>เลขที่ {document.number(problem.pk)} · {document.escape(problem.unit.name_th)}</p>
<table class=form>{table}</table>
<h2>ประวัติการดำเนินการ</h2>
{_history(problem)}
<div class=signs><div>ลงชื่อ ...................................... ผู้แจ้ง<br>({reported_by})</div>
<div>ลงชื่อ ...................................... ผู้รับผิดชอบ<br>({document.escape(problem.assignee.display_name) if problem.assignee else "......................................"})</div></div>
<p class="muted">พิมพ์จากระบบหลักฐาน เมื่อวันที่ {made} เวลาทั้งหมดเป็นเวลาประเทศไทย</p>
</body></html>"""


def problem_pdf(problem: Problem) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(form_html(problem))
