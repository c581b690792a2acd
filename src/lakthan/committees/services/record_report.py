"""The committee's meeting record of a round (item 7's artefact): per committee the order that
appointed it (number, B.E. date), its members and roles, each meeting of the round (number, B.E. day
and time, place, who came and who did not and why, the agenda, the minutes, the resolutions with
their follow-up), and the findings. Official Thai style as the other plain documents: the report
font at the size of TH SarabunPSK 16 pt, the official margins, B.E. dates, Thai digits (unless
LAKTHAN_THAI_DIGITS is off); rendered by reports.render_pdf."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch

from lakthan.committees.models import Attendance, Committee, Meeting, Member, Resolution
from lakthan.committees.services.committees import ROLE_TH, members_sorted
from lakthan.committees.services.meetings import STATUS_TH
from lakthan.committees.services.record import KIND_TH, committee_findings, committees_in, meetings_in
from lakthan.core.models import Unit
from lakthan.lib.thai import format_date
from lakthan.lib.timezones import BANGKOK
from lakthan.reports import plain_document as document
from lakthan.reports.fonts import report_font

esc = document.escape


def _day(value: date | None, style: str = "long") -> str:
    return format_date(value, style=style, thai_digits=document.thai()) if value else "–"


def _css() -> str:
    font = report_font()
    return (
        document.css(table_pt=14)
        + f"""
section.meeting {{ margin-left: 0.6cm; }}
h3 {{ font-size: {font.pt(16)}pt; margin: 6pt 0 1pt; break-after: avoid; }}
td.c {{ text-align: center; white-space: nowrap; }}
ul, ol {{ margin: 0 0 2pt; padding-left: 1.2cm; }}
ol {{ list-style-type: {"thai" if document.thai() else "decimal"}; }}
.agenda {{ white-space: pre-line; }}
table.res td:nth-child(2) {{ width: 35%; }} table.res td:nth-child(6) {{ width: 30%; }}
"""
    )


def _order_line(c: Committee) -> str:
    if c.order is None:
        return '<p><b class="miss">ไม่มีคำสั่งแต่งตั้งเป็นหลักฐาน</b></p>'
    o = c.order
    no = f" ที่ {document.number(esc(o.doc_no))}" if o.doc_no else ""
    when = f" ลงวันที่ {_day(o.doc_date)}" if o.doc_date else ""
    return f"<p>แต่งตั้งตามคำสั่ง{no}{when} ({esc(o.title)})</p>"


def _members(members: list[Member]) -> str:
    rows = "".join(
        f"<tr><td class=c>{document.number(i)}</td><td>{esc(m.person.display_name)}</td>"
        f"<td>{esc(m.position or m.person.position_th or '–')}</td><td>{ROLE_TH[m.role]}</td>"
        f"<td class=c>{_day(m.since, 'short')} – {_day(m.until, 'short') if m.until else 'ปัจจุบัน'}</td></tr>"
        for i, m in enumerate(members, 1)
    )
    if not rows:
        return "<p class=muted>ยังไม่ได้บันทึกรายชื่อกรรมการ</p>"
    return (
        "<table><thead><tr><th>ที่</th><th>ชื่อ – สกุล</th><th>ตำแหน่ง</th><th>ในคณะกรรมการ</th>"
        f"<th>ระยะเวลา</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _follow_up(text: str) -> str:
    """The dated notes (``2013-02-01 in_progress: …``) as ``๑ ก.พ. ๒๕๕๖ อยู่ระหว่างดำเนินการ: …``."""
    lines = []
    for line in (text or "").splitlines():
        day, _, rest = line.partition(" ")
        status, _, note = rest.partition(":")
        try:
            when = _day(date.fromisoformat(day), "short")
        except ValueError:
            lines.append(esc(line))
            continue
        label = STATUS_TH.get(status.strip(), esc(status))
        lines.append(f"{when} {label}" + (f": {document.number(esc(note.strip()))}" if note.strip() else ""))
    return "<br>".join(lines) or "–"


def _resolutions(rows: list[Resolution]) -> str:
    if not rows:
        return "<p>มติที่ประชุม: ไม่มี</p>"
    body = "".join(
        f"<tr><td class=c>{document.number(r.number)}</td><td>{esc(r.text)}</td>"
        f"<td>{esc(r.owner.display_name) if r.owner else '–'}</td><td class=c>{_day(r.due, 'short')}</td>"
        f"<td class=c>{STATUS_TH[r.status]}</td><td class=agenda>{_follow_up(r.follow_up)}</td></tr>"
        for r in rows
    )
    return (
        "<table class=res><thead><tr><th>มติที่</th><th>มติ</th><th>ผู้รับผิดชอบ</th><th>กำหนดเสร็จ</th>"
        f"<th>สถานะ</th><th>การติดตาม</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _meeting(m: Meeting) -> str:
    thai = document.thai()
    place = f" ณ {esc(m.place)}" if m.place else ""
    head = (
        f"<h3>การประชุมครั้งที่ {document.number(esc(m.number))}</h3>"
        f"<p>เมื่อวันที่ {format_date(m.held_at, style='long', thai_digits=thai)} "
        f"เวลา {document.number(m.held_at.astimezone(BANGKOK).strftime('%H.%M'))} น.{place}</p>"
    )
    rows = list(m.attendance.all())
    present = [a for a in rows if a.present]
    absent = [a for a in rows if not a.present]
    head += "<p>ผู้มาประชุม " + document.number(len(present)) + " คน</p>"
    if present:
        head += (
            "<ol>"
            + "".join(
                f"<li>{esc(a.member.person.display_name)} {ROLE_TH[a.member.role]}</li>" for a in present
            )
            + "</ol>"
        )
    if absent:
        head += "<p>ผู้ไม่มาประชุม " + document.number(len(absent)) + " คน</p><ol>"
        head += "".join(
            f"<li>{esc(a.member.person.display_name)} {ROLE_TH[a.member.role]}"
            + (f" ({esc(a.note)})" if a.note else "")
            + "</li>"
            for a in absent
        )
        head += "</ol>"
    if m.agenda:
        head += f"<p>ระเบียบวาระ</p><p class=agenda>{document.number(esc(m.agenda))}</p>"
    if m.minutes is not None:
        no = f" เลขที่ {document.number(esc(m.minutes.doc_no))}" if m.minutes.doc_no else ""
        when = f" ลงวันที่ {_day(m.minutes.doc_date)}" if m.minutes.doc_date else ""
        head += f"<p>รายงานการประชุม{no}{when} (หลักฐานหมายเลข {document.number(m.minutes.pk)})</p>"
    else:
        head += '<p><b class="miss">ไม่มีรายงานการประชุม</b></p>'
    return f"<section class=meeting>{head}{_resolutions(list(m.resolutions.all()))}</section>"


def report_html(unit: Unit, start: date, end: date) -> str:
    """``start`` and ``end`` are Bangkok days, both included."""
    thai = document.thai()
    committees = committees_in(unit, end)
    wanted = {m.pk for m in meetings_in(unit, start, end)}
    meetings = (
        Meeting.objects.filter(pk__in=wanted)
        .select_related("minutes")
        .prefetch_related(
            Prefetch("attendance", Attendance.objects.select_related("member__person").order_by("member_id")),
            Prefetch("resolutions", Resolution.objects.select_related("owner").order_by("number")),
        )
        .order_by("held_at", "pk")
    )
    by_committee: dict[int, list[Meeting]] = {}
    for m in meetings:
        by_committee.setdefault(m.committee_id, []).append(m)
    parts = []
    for c in committees:
        held = by_committee.get(c.pk, [])
        duties = f"<p>อำนาจหน้าที่: {esc(c.duties)}</p>" if c.duties else ""
        parts.append(
            f"<h2>{esc(c.name)}</h2><p class=muted>{esc(c.unit.name_th)}</p>{_order_line(c)}{duties}"
            f"<p>องค์ประกอบ</p>{_members(members_sorted(c))}"
            f"<p>การประชุมในรอบนี้ {document.number(len(held))} ครั้ง "
            f"(กำหนดอย่างน้อย {document.number(c.meetings_per_round)} ครั้ง)</p>"
            + "".join(_meeting(m) for m in held)
        )
    findings = committee_findings(unit, start, end)
    items = "".join(f"<li>{KIND_TH[f['kind']]}: {document.number(esc(f['detail']))}</li>" for f in findings)
    verdict = f"<ol>{items}</ol>" if items else "<p>ไม่พบข้อสังเกต</p>"
    body = "".join(parts) or "<p>ไม่มีคณะกรรมการในหน่วยงานนี้</p>"
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>บันทึกการดำเนินงานของคณะกรรมการ {esc(unit.name_th)}</title><style>{_css()}</style></head><body>
<h1>บันทึกการดำเนินงานของคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศ</h1>
<p class=sub>{esc(unit.name_th)}<br>ระหว่างวันที่ {format_date(start, style="long", thai_digits=thai)}
ถึงวันที่ {format_date(end, style="long", thai_digits=thai)}</p>
{body}
<h2>ข้อสังเกต</h2>{verdict}
<p class=muted>เวลาทั้งหมดเป็นเวลาประเทศไทย มติที่เลยกำหนดคือมติที่กำหนดเสร็จภายในรอบนี้
และยังไม่ดำเนินการแล้วเสร็จ (หรือยกเลิกโดยคณะกรรมการ) เมื่อสิ้นรอบ</p>
</body></html>"""


def render(unit: Unit, start: date, end: date) -> bytes:
    from lakthan.reports.render_pdf import render_pdf_from_html

    return render_pdf_from_html(report_html(unit, start, end))
