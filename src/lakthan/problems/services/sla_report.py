"""The problem summary of a unit and a period as an official Thai document (item 6's artefact "the
problem summary with SLA"): "สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ" — the totals, per month and per
severity the problems, those fixed within and beyond their time and the median time to fix, the list
of breaches, and the service levels in force with the work calendar they are counted on. Official
Thai style as the other plain documents: the report font at the size of TH SarabunPSK 16 pt, B.E.
dates, Thai digits (unless LAKTHAN_THAI_DIGITS is off); rendered by reports.render_pdf."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from lakthan.core.models import Unit
from lakthan.lib.thai import be_year, format_date, format_datetime, format_number
from lakthan.lib.timezones import parse_instant
from lakthan.problems.services.sla import calendar_info, targets_in_force
from lakthan.problems.services.sla_summary import SEVERITY_TH, sla_summary
from lakthan.reports import plain_document as document

MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


def month_th(key: str) -> str:
    """``'2013-04'`` → ``'เมษายน ๒๕๕๖'``."""
    year, month = (int(part) for part in key.split("-"))
    return f"{MONTHS_TH[month - 1]} {document.number(be_year(year))}"


def duration_th(seconds: int | None, business: bool = False) -> str:
    """``'๓ ชั่วโมง ๒๐ นาที'`` (hours and minutes: business time has no days)."""
    if seconds is None:
        return "–"
    hours, minutes = divmod(int(seconds) // 60, 60)
    unit = "ชั่วโมงทำการ" if business else "ชั่วโมง"
    if hours == 0:
        return f"{document.number(minutes)} นาที"
    text = f"{format_number(hours, thai=document.thai(), grouping=True)} {unit}"
    return f"{text} {document.number(minutes)} นาที" if minutes else text


def _moment(iso_text: str | None) -> str:
    if not iso_text:
        return "–"
    return format_datetime(parse_instant(iso_text), thai_digits=document.thai())


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    return format_number(part * 100 / whole, thai=document.thai(), places=2)


def _css() -> str:
    return (
        document.css(table_pt=14)
        + """
td.c { text-align: center; } td.n { text-align: right; white-space: nowrap; }
.note { font-size: 90%; }
"""
    )


def _months_table(summary: dict) -> str:
    rows = []
    for m in summary["months"]:
        judged = m["within_sla"] + m["breached"]
        rows.append(
            f"<tr><td>{month_th(m['month'])}</td><td class=n>{document.number(m['problems'])}</td>"
            f"<td class=n>{document.number(m['within_sla'])}</td>"
            f"<td class=n>{document.number(m['breached'])}</td>"
            f"<td class=n>{_percent(m['within_sla'], judged)}</td>"
            f"<td class=n>{duration_th(m['median_fix_s'])}</td></tr>"
        )
    judged = summary["within_sla"] + len(summary["breached"])
    rows.append(
        f"<tr><th>รวม</th><th class=n>{document.number(summary['problems'])}</th>"
        f"<th class=n>{document.number(summary['within_sla'])}</th>"
        f"<th class=n>{document.number(len(summary['breached']))}</th>"
        f"<th class=n>{_percent(summary['within_sla'], judged)}</th>"
        f"<th class=n>{duration_th(summary['median_fix_s'])}</th></tr>"
    )
    return (
        "<table><thead><tr><th>เดือน</th><th>จำนวนปัญหา</th><th>แก้ไขภายในเวลาที่กำหนด</th>"
        "<th>เกินเวลาที่กำหนด</th><th>ร้อยละที่แก้ไขภายในเวลา</th><th>ค่ามัธยฐานของเวลาที่ใช้แก้ไข</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _severity_table(summary: dict, targets: dict) -> str:
    rows = []
    for s in summary["by_severity"]:
        target = targets.get(s["severity"])
        judged = s["within_sla"] + s["breached"]
        rows.append(
            f"<tr><td>{document.number(s['severity'])} {SEVERITY_TH.get(s['severity'], '')}</td>"
            f"<td class=c>{_target_text(target)}</td>"
            f"<td class=n>{document.number(s['problems'])}</td>"
            f"<td class=n>{document.number(s['within_sla'])}</td>"
            f"<td class=n>{document.number(s['breached'])}</td>"
            f"<td class=n>{_percent(s['within_sla'], judged)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>ระดับความรุนแรง</th><th>เวลาที่กำหนดในปัจจุบัน</th><th>จำนวนปัญหา</th>"
        "<th>แก้ไขภายในเวลาที่กำหนด</th><th>เกินเวลาที่กำหนด</th><th>ร้อยละที่แก้ไขภายในเวลา</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _target_text(target) -> str:
    if target is None:
        return '<span class="muted">ยังไม่กำหนด</span>'
    kind = "ชั่วโมงทำการ" if target.business_hours else "ชั่วโมง"
    return f"{document.number(target.hours)} {kind}"


def _breached_table(summary: dict) -> str:
    if not summary["breached"]:
        return "<p>ไม่มีปัญหาที่แก้ไขเกินเวลาที่กำหนด</p>"
    rows = []
    for no, b in enumerate(summary["breached"], 1):
        fixed = _moment(b["fixed_at"]) if b["fixed_at"] else '<span class="miss">ยังไม่ได้แก้ไข</span>'
        who = f"<br><span class=muted>{document.escape(b['assignee'])}</span>" if b["assignee"] else ""
        system = f" ({document.escape(b['system'])})" if b["system"] else ""
        rows.append(
            f"<tr><td class=c>{document.number(no)}</td><td class=c>{document.number(b['id'])}</td>"
            f"<td>{document.escape(b['title'])}{system}{who}</td>"
            f"<td class=c>{document.number(b['severity'])}</td><td class=c>{document.escape(b['unit'])}</td>"
            f"<td class=c>{_moment(b['reported_at'])}</td><td class=c>{_moment(b['due_at'])}</td>"
            f"<td class=c>{fixed}</td><td class=n>{duration_th(b['over_s'], b['business_hours'])}</td></tr>"
        )
    return (
        "<table><thead><tr><th>ที่</th><th>เลขที่</th><th>เรื่อง</th><th>ระดับ</th><th>หน่วยงาน</th>"
        "<th>แจ้งเมื่อ</th><th>ครบกำหนด</th><th>แก้ไขเสร็จเมื่อ</th><th>เกินกำหนด</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def report_html(unit: Unit, start: date, end: date, now: datetime | None = None) -> str:
    """``start`` and ``end`` are Bangkok days, both included."""
    summary = sla_summary(unit, start, end, now=now)
    targets = targets_in_force()
    cal = calendar_info()
    thai = document.thai()
    judged = summary["within_sla"] + len(summary["breached"])
    workdays = "จันทร์–ศุกร์" if cal["workdays"] == [0, 1, 2, 3, 4] else _workdays_th(cal["workdays"])
    years = cal["years"]
    span = (
        f"พ.ศ. {document.number(be_year(years[0]))}–{document.number(be_year(years[-1]))}" if years else "ไม่มี"
    )
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ {document.escape(unit.name_th)}</title><style>{_css()}</style></head><body>
<h1>สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ</h1>
<p class=sub>{document.escape(unit.name_th)}<br>ระหว่างวันที่ {format_date(start, style="long", thai_digits=thai)}
ถึงวันที่ {format_date(end, style="long", thai_digits=thai)}</p>
<p>ได้รับแจ้งปัญหา {document.number(summary["problems"])} เรื่อง แก้ไขแล้ว {document.number(summary["closed"])} เรื่อง
ยังไม่แล้วเสร็จ {document.number(summary["open"])} เรื่อง · แก้ไขภายในเวลาที่กำหนด {document.number(summary["within_sla"])} เรื่อง
เกินเวลาที่กำหนด {document.number(len(summary["breached"]))} เรื่อง (ร้อยละ {_percent(summary["within_sla"], judged)} แก้ไขภายในเวลา)
· ไม่มีเวลาที่กำหนด {document.number(summary["no_sla"])} เรื่อง · ค่ามัธยฐานของเวลาที่ใช้แก้ไข {duration_th(summary["median_fix_s"])}</p>
<h2>๑. ผลการแก้ไขปัญหารายเดือน</h2>
{_months_table(summary)}
<h2>๒. ผลการแก้ไขปัญหาตามระดับความรุนแรง</h2>
{_severity_table(summary, targets)}
<h2>๓. ปัญหาที่แก้ไขเกินเวลาที่กำหนด</h2>
{_breached_table(summary)}
<h2>๔. เวลาที่กำหนดให้แก้ไขปัญหาและปฏิทินวันทำการ</h2>
<p>เวลาที่กำหนดให้แก้ไขปัญหาแต่ละระดับตามตารางข้อ ๒ (ที่ใช้อยู่ในปัจจุบัน ปัญหาแต่ละเรื่องใช้เวลาที่กำหนดไว้ ณ วันที่ได้รับแจ้ง)
เวลาที่นับเป็นชั่วโมงทำการนับเฉพาะเวลาราชการ {document.number(cal["office_start"])}–{document.number(cal["office_end"])} น.
วัน{workdays} ไม่นับวันหยุดราชการตาม{document.escape(cal["title_th"])} ({span})</p>
<p class=note>ปัญหาที่ยังไม่ได้แก้ไขและเลยเวลาที่กำหนดแล้ว ณ {format_datetime(parse_instant(summary["judged_at"]), thai_digits=thai)}
นับเป็นปัญหาที่เกินเวลาที่กำหนด · เวลาที่ใช้แก้ไขและเวลาที่เกินกำหนดนับแบบเดียวกับเวลาที่กำหนดของปัญหาเรื่องนั้น
(ชั่วโมงทำการ หรือชั่วโมงตามปฏิทิน) · ไม่นับปัญหาที่ยกเลิก · เวลาทั้งหมดเป็นเวลาประเทศไทย
· จัดทำเมื่อ {format_datetime(timezone.now(), thai_digits=thai)}</p>
</body></html>"""


DAY_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def _workdays_th(days: list[int]) -> str:
    return " ".join(DAY_TH[d] for d in days)


def render(unit: Unit, start: date, end: date, now: datetime | None = None) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(report_html(unit, start, end, now))
