"""The drill report of a period: every drill and incident of a unit with each system's recovery as
measured against its targets — the item-3 artefact "drill report with measured vs target". Official
Thai style as the other documents: the report font at the size of TH SarabunPSK 16 pt, the official
margins, B.E. dates, Thai digits (unless LAKTHAN_THAI_DIGITS is off), durations in Thai words;
rendered by reports.render_pdf (WeasyPrint, libthai line breaking, the text layer fixed)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from lakthan.core.models import Unit
from lakthan.lib.durations import format_duration_th
from lakthan.lib.thai import format_date, format_datetime
from lakthan.lib.timezones import BANGKOK
from lakthan.reports import plain_document as document
from lakthan.reports.fonts import report_font
from lakthan.risks.models import Drill, DrillSystem
from lakthan.risks.services.drills import drills_in

SCENARIO_TH = {
    "fire": "อัคคีภัย",
    "flood": "อุทกภัย",
    "earthquake": "แผ่นดินไหว",
    "power": "ไฟฟ้าดับ",
    "cyber": "การโจมตีทางไซเบอร์",
    "system-down": "ระบบล่ม",
}
KIND_TH = {"drill": "การซ้อม", "incident": "เหตุการณ์จริง"}
ORIGIN_TH = {
    "recorded": "บันทึกโดยเจ้าหน้าที่",
    "restore_test": "ทดสอบกู้คืนข้อมูลสำรอง",
    "alert": "ยกระดับจากการแจ้งเตือน",
}
EVENT_TH = {"detected": "ตรวจพบ", "contained": "ควบคุมได้", "recovered": "กู้คืนแล้ว", "note": "บันทึก"}


def _dt(value: datetime | None) -> str:
    return format_datetime(value, thai_digits=document.thai()) if value else "–"


def _dur(seconds: int | None) -> str:
    return "–" if seconds is None else document.number(format_duration_th(seconds))


def _verdict(met: bool | None, restored: bool = True) -> str:
    if not restored:
        return '<span class="muted">ยังไม่กู้คืน</span>'
    if met is None:
        return '<span class="muted">ไม่มีเป้าหมาย</span>'
    return "ผ่าน" if met else '<b class="miss">ไม่ผ่าน</b>'


def _css() -> str:
    font = report_font()
    return (
        document.css(table_pt=14)
        + f"""
section {{ break-inside: avoid; }}
td.c {{ text-align: center; white-space: nowrap; }}
ul {{ margin: 0 0 2pt; padding-left: 1.2cm; font-size: {font.pt(14)}pt; }}
"""
    )


def _system_rows(rows: list[DrillSystem], drill: Drill) -> str:
    out = []
    for r in rows:
        back = bool(r.restored or drill.restored)
        code = (
            ""
            if r.system.code == r.system.name_th
            else f"<br><span class=muted>{document.escape(r.system.code)}</span>"
        )
        out.append(
            "<tr>"
            f"<td>{document.escape(r.system.name_th)}{code}</td>"
            f"<td class=c>{_dt(r.restored or drill.restored)}</td>"
            f"<td class=c>{_dur(r.rto_s)}</td><td class=c>{_dur(r.rto_target_s)}</td><td class=c>{_verdict(r.rto_met, back)}</td>"
            f"<td class=c>{_dt(r.last_backup_at)}</td>"
            f"<td class=c>{_dur(r.rpo_s)}</td><td class=c>{_dur(r.rpo_target_s)}</td><td class=c>{_verdict(r.rpo_met, back)}</td>"
            "</tr>"
        )
    return "".join(out)


def _drill_section(no: int, drill: Drill) -> str:
    rows = list(drill.systems.all())
    title = drill.title or SCENARIO_TH[drill.scenario]
    head = (
        f"<h2>{document.number(no)}. {KIND_TH[drill.kind]}: {document.escape(title)}</h2>"
        f"<p>สถานการณ์ {SCENARIO_TH[drill.scenario]} · ที่มา {ORIGIN_TH[drill.origin]} · "
        f"เริ่ม {_dt(drill.started)} · กู้คืน {_dt(drill.restored) if drill.restored else 'ยังไม่กู้คืน'}</p>"
    )
    if drill.people:
        head += f"<p>ผู้เข้าร่วม: {document.escape(drill.people)}</p>"
    if drill.notes:
        head += f"<p>หมายเหตุ: {document.escape(drill.notes)}</p>"
    if drill.timeline:
        items = "".join(
            f"<li>{_dt(datetime.fromisoformat(e['at'].replace('Z', '+00:00')))} "
            f"{EVENT_TH.get(e.get('event', ''), '')} {document.escape(e.get('text', ''))}</li>"
            for e in drill.timeline
        )
        head += f"<ul>{items}</ul>"
    table = (
        "<table><thead><tr><th rowspan=2>ระบบ</th><th rowspan=2>กู้คืนเมื่อ</th>"
        "<th colspan=3>ระยะเวลากู้คืน (RTO)</th><th rowspan=2>สำรองข้อมูลล่าสุดก่อนเริ่ม</th>"
        "<th colspan=3>ข้อมูลที่อาจสูญหาย (RPO)</th></tr>"
        "<tr><th>วัดได้</th><th>เป้าหมาย</th><th>ผล</th><th>วัดได้</th><th>เป้าหมาย</th><th>ผล</th></tr></thead>"
        f"<tbody>{_system_rows(rows, drill)}</tbody></table>"
    )
    return f"<section>{head}{table}</section>"


def report_html(unit: Unit, start: date, end: date) -> str:
    """``start`` and ``end`` are Bangkok days, both included."""
    begin = datetime.combine(start, time(0), BANGKOK)
    until = datetime.combine(end + timedelta(days=1), time(0), BANGKOK)
    drills = list(drills_in(unit, begin, until))
    thai = document.thai()
    rows = [r for d in drills for r in d.systems.all() if d.restored or r.restored]
    judged = [r for r in rows if r.rto_met is not None]
    summary = (
        f"<p>รวม {document.number(len(drills))} ครั้ง (การซ้อม {document.number(sum(d.kind == 'drill' for d in drills))} ครั้ง "
        f"เหตุการณ์จริง {document.number(sum(d.kind == 'incident' for d in drills))} ครั้ง) · "
        f"ระบบที่กู้คืนได้ภายในเป้าหมาย RTO {document.number(sum(bool(r.rto_met) for r in judged))} จาก {document.number(len(judged))} รายการ</p>"
    )
    body = (
        "".join(_drill_section(i, d) for i, d in enumerate(drills, 1)) or "<p>ไม่มีการซ้อมหรือเหตุการณ์ในช่วงนี้</p>"
    )
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>รายงานผลการซ้อมแผนและเหตุการณ์ {document.escape(unit.name_th)}</title><style>{_css()}</style></head><body>
<h1>รายงานผลการซ้อมแผนรองรับสถานการณ์ฉุกเฉินและเหตุการณ์จริง</h1>
<p class=sub>{document.escape(unit.name_th)}<br>ระหว่างวันที่ {format_date(start, style="long", thai_digits=thai)}
ถึงวันที่ {format_date(end, style="long", thai_digits=thai)}</p>
<p>ระยะเวลากู้คืน (RTO) วัดจากเวลาเริ่มเหตุถึงเวลาที่ระบบกลับมาใช้งาน ข้อมูลที่อาจสูญหาย (RPO)
วัดจากเวลาเริ่มเหตุย้อนไปถึงข้อมูลสำรองชุดล่าสุดที่มีอยู่จริงในคลังสำรองข้อมูลก่อนเริ่มเหตุ
(ข้อมูลสำรองที่ทำหลังเริ่มเหตุไม่นับ) เวลาทั้งหมดเป็นเวลาประเทศไทย</p>
{summary}{body}</body></html>"""


def render(unit: Unit, start: date, end: date) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(report_html(unit, start, end))
