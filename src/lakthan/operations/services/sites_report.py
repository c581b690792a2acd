"""The website table of a unit and a period as an official Thai document (item 8's artefact "the
website table with accessibility results"): per website its address and unit, availability, the
certificate's days left, when its content last changed, the standard's checklist (found, and the
items missing by name) and axe-core's violations by impact. Official Thai style as the drill report:
the report font at the size of TH SarabunPSK 16 pt, the official margins, B.E. dates, Thai digits
(unless LAKTHAN_THAI_DIGITS is off); rendered by reports.render_pdf."""

from __future__ import annotations

from datetime import date, datetime

from lakthan.core.models import Unit
from lakthan.lib.thai import format_date, format_number
from lakthan.reports import plain_document as document
from lakthan.reports.fonts import report_font

IMPACT_TH = {"critical": "วิกฤต", "serious": "ร้ายแรง", "moderate": "ปานกลาง", "minor": "เล็กน้อย"}
SOURCE_TH = {
    "last-modified": "จากส่วนหัว Last-Modified",
    "etag": "จากการเปลี่ยน ETag",
    "page-hash": "จากการเปลี่ยนแปลงของหน้าเว็บ",
}


def _date(value: datetime | None) -> str:
    return format_date(value, thai_digits=document.thai()) if value else "–"


def _css() -> str:
    font = report_font()
    return (
        document.css(table_pt=13)
        + f"""
td.c {{ text-align: center; }} td.n {{ white-space: nowrap; }} td.url {{ overflow-wrap: anywhere; }}
col.url {{ width: 22%; }} col.unit {{ width: 6%; }} col.pct {{ width: 8%; }} col.tls {{ width: 7%; }}
col.age {{ width: 12%; }} col.list {{ width: 19%; }} col.imp {{ width: 4.5%; }} col.at {{ width: 8%; }}
ol {{ margin: 0 0 2pt; padding-left: 1.2cm; font-size: {font.pt(14)}pt; list-style-type: {"thai" if document.thai() else "decimal"}; }}
"""
    )


def _percent(ratio: float | None) -> str:
    if ratio is None:
        return '<span class="muted">ไม่มีข้อมูล</span>'
    return document.escape(format_number(ratio * 100, thai=document.thai(), places=2))


def _tls(days: int | None) -> str:
    if days is None:
        return "–"
    text = document.number(days)
    return f'<b class="miss">{text}</b>' if days < 30 else text


def _row(no: int, r: dict, titles: dict[str, str]) -> str:
    if r["checked_at"] is None:
        checklist = '<span class="muted">ยังไม่ได้ตรวจ</span>'
    else:
        found = r["checklist_total"] - len(r["checklist_missing"])
        checklist = f"พบ {document.number(found)} จาก {document.number(r['checklist_total'])} รายการ"
        if r["checklist_missing"]:
            missing = ", ".join(document.escape(titles.get(i, i)) for i in r["checklist_missing"])
            checklist += f'<br><span class="miss">ขาด: {missing}</span>'
    a11y = r["a11y"]
    cells = (
        "".join(f"<td class='c n'>{document.number(a11y[k])}</td>" for k in IMPACT_TH)
        if a11y is not None
        else '<td class=c colspan=4><span class="muted">ยังไม่ได้ตรวจ</span></td>'
    )
    changed = _date(r["content_changed_at"])
    if r["content_changed_at"] and r.get("content_source") in SOURCE_TH:
        changed += f'<br><span class="muted">{SOURCE_TH[r["content_source"]]}</span>'
    return (
        f"<tr><td class=c>{document.number(no)}</td>"
        f"<td class=url>{document.escape(r['url'])}<br><span class=muted>{document.escape(r['probe'])}</span></td>"
        f"<td class=c>{document.escape(r['unit'])}</td>"
        f"<td class=c>{_percent(r['availability'])}</td>"
        f"<td class=c>{_tls(r['tls_days_left'])}</td>"
        f"<td class=c>{changed}</td>"
        f"<td>{checklist}</td>{cells}"
        f"<td class=c>{_date(r['checked_at'])}</td></tr>"
    )


def report_html(unit: Unit, start: date, end: date, availability_of=None) -> str:
    """``start`` and ``end`` are Bangkok days, both included."""
    from lakthan.operations.services.sites import current_checklist, site_table

    rows = site_table(unit, start, end, availability_of)
    checklist = current_checklist()
    titles = {i.id: i.title_th for i in checklist.items}
    thai = document.thai()
    body = "".join(_row(i, r, titles) for i, r in enumerate(rows, 1))
    if not body:
        body = "<tr><td colspan=12 class=c>ไม่มีเว็บไซต์ที่ลงทะเบียนไว้ให้ตรวจ</td></tr>"
    checked = [r for r in rows if r["checked_at"] is not None]
    complete = sum(not r["checklist_missing"] for r in checked)
    clean = sum(
        r["a11y"] is not None and not (r["a11y"]["critical"] or r["a11y"]["serious"]) for r in checked
    )
    items = "".join(f"<li>{document.escape(i.title_th)}</li>" for i in checklist.items)
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>รายงานผลการตรวจเว็บไซต์ {document.escape(unit.name_th)}</title><style>{_css()}</style></head><body>
<h1>รายงานผลการตรวจเว็บไซต์ของหน่วยงาน</h1>
<p class=sub>{document.escape(unit.name_th)}<br>ระหว่างวันที่ {format_date(start, style="long", thai_digits=thai)}
ถึงวันที่ {format_date(end, style="long", thai_digits=thai)}</p>
<p>เว็บไซต์ {document.number(len(rows))} แห่ง ตรวจแล้ว {document.number(len(checked))} แห่ง · มีรายการครบตามมาตรฐานเว็บไซต์ภาครัฐ
{document.number(complete)} แห่ง · ไม่พบปัญหาการเข้าถึงระดับวิกฤตหรือร้ายแรง {document.number(clean)} แห่ง</p>
<table><colgroup><col class=no><col class=url><col class=unit><col class=pct><col class=tls><col class=age>
<col class=list>{"<col class=imp>" * 4}<col class=at></colgroup>
<thead><tr><th rowspan=2>ที่</th><th rowspan=2>เว็บไซต์</th><th rowspan=2>หน่วยงาน</th>
<th rowspan=2>ความพร้อมใช้งาน (ร้อยละ)</th><th rowspan=2>ใบรับรองเหลือ (วัน)</th>
<th rowspan=2>เนื้อหาเปลี่ยนแปลงล่าสุด</th><th rowspan=2>รายการตามมาตรฐาน</th>
<th colspan=4>ปัญหาการเข้าถึง (axe-core) ตามระดับผลกระทบ</th><th rowspan=2>ตรวจเมื่อ</th></tr>
<tr>{"".join(f"<th>{t}</th>" for t in IMPACT_TH.values())}</tr></thead>
<tbody>{body}</tbody></table>
<h2>รายการที่มาตรฐานเว็บไซต์ภาครัฐกำหนดให้มีบนหน้าแรก (ฉบับ {document.escape(checklist.version)})</h2>
<ol>{items}</ol>
<p>ความพร้อมใช้งานคำนวณจากผลการตรวจตามเวลาที่ผลแต่ละครั้งมีผล (ช่วงที่ไม่มีผลการตรวจไม่นับ)
ปัญหาการเข้าถึงนับเป็นจำนวนกฎของ axe-core ที่หน้าแรกไม่ผ่าน แยกตามระดับผลกระทบ
ใบรับรองที่เหลือน้อยกว่า {document.number(30)} วันแสดงเป็นตัวหนา เวลาทั้งหมดเป็นเวลาประเทศไทย</p>
</body></html>"""


def render(unit: Unit, start: date, end: date, availability_of=None) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(report_html(unit, start, end, availability_of))
