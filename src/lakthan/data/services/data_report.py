"""The official document of item 5 for a unit and a round: "ผลการตรวจสอบความเป็นปัจจุบันและคุณภาพของข้อมูล"
— per dataset its system, its owner and the order naming them, the expected interval in Thai words
("ทุก ๑ วัน"), the last update (B.E.), the share of the round it was current, whether it is late at the
moment judged, its reads and its quality rules passed and failed; then the freshness picture. Official
Thai style as the other plain documents: the report font at the size of TH SarabunPSK 16 pt, A4
landscape, B.E. dates and Thai digits (unless LAKTHAN_THAI_DIGITS is off); rendered by
reports.render_pdf (services/freshness.py data_pdf)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from lakthan.core.models import Unit
from lakthan.lib.durations import THAI_UNITS, UNITS
from lakthan.lib.thai import format_date, format_datetime
from lakthan.reports import plain_document as document

e, n = document.escape, document.number


def every_th(seconds: int) -> str:
    """86400 → 'ทุก ๑ วัน', 5400 → 'ทุก ๑ ชั่วโมง ๓๐ นาที', 1209600 → 'ทุก ๑๔ วัน'."""
    from lakthan.lib.durations import format_duration_th

    return n(f"ทุก {format_duration_th(seconds)}")


def duration_th(seconds: int, parts: int = 2) -> str:
    """A lateness in its two largest Thai units, rounded down: 93784 → '๑ วัน ๒ ชั่วโมง'."""
    out: list[str] = []
    rest = int(seconds)
    for unit, size in UNITS.items():
        if unit == "w":
            continue
        count, rest = divmod(rest, size)
        if count and len(out) < parts:
            out.append(f"{count} {THAI_UNITS[unit]}")
        elif out:
            break  # the next unit down only: "1 วัน 5 นาที" would read as a precision it isn't
    return n(" ".join(out) or "0 วินาที")


def percent(ratio: float | None) -> str:
    if ratio is None:
        return '<span class="muted">ไม่มีข้อมูล</span>'
    return n(f"{int(ratio * 10000) / 100:.2f}")


def _owner(ds) -> str:
    if not ds.owner_id:
        return '<span class="miss">ยังไม่ได้กำหนด</span>'
    text = e(ds.owner.display_name)
    order = ds.owner_order if ds.owner_order_id else None
    if order is None:
        return text + '<br><span class="miss">ยังไม่มีคำสั่งมอบหมาย</span>'
    named = f"คำสั่ง {'ที่ ' + e(order.doc_no) if order.doc_no else ''}"
    if order.doc_date:
        named += f" ลงวันที่ {format_date(order.doc_date, thai_digits=document.thai())}"
    return text + f"<br><span class=muted>{n(named)}</span>"


def _system(ds) -> str:
    if not ds.system_id:
        return "–"
    return f"{e(ds.system.name_th)}<br><span class=muted>{e(ds.system.code)}</span>"


def _state(j) -> str:
    if j.late is None:
        return '<span class="muted">ยังไม่เคยอ่านได้</span>'
    if j.late:
        return f'<b class="miss">ล่าช้า</b><br>{duration_th(j.late_by_s)}'
    return "เป็นปัจจุบัน"


def _quality(q: dict) -> str:
    if not q["rules"]:
        return '<span class="muted">ไม่มีเกณฑ์</span>'
    text = f"ผ่าน {n(q['passed'])} ไม่ผ่าน {n(q['failed'])}"
    unchecked = q["rules"] - q["passed"] - q["failed"]
    if unchecked:
        text += f"<br><span class=muted>ไม่ได้ตรวจ {n(unchecked)}</span>"
    if q["failing"]:
        text += f'<br><span class="miss">{e(", ".join(q["failing"]))}</span>'
    return text


def _reads(j) -> str:
    text = n(f"{j.readings:,}")
    if j.failed_reads:
        text += f'<br><span class="miss">ไม่สำเร็จ {n(f"{j.failed_reads:,}")}</span>'
    return text


def _last_update(value: datetime | None) -> str:
    if value is None:
        return '<span class="muted">–</span>'
    return format_datetime(value, thai_digits=document.thai())


def _row(no: int, j) -> str:
    ds = j.dataset
    return (
        f"<tr><td class=c>{n(no)}</td>"
        f"<td>{e(ds.name)}<br><span class=muted>{e(ds.unit.code)} {e(ds.unit.name_th)}</span></td>"
        f"<td>{_system(ds)}</td><td>{_owner(ds)}</td>"
        f"<td class=c>{every_th(ds.every_s)}</td><td class=c>{_last_update(j.last_update)}</td>"
        f"<td class=c>{percent(j.tally.ratio)}</td><td class=c>{_state(j)}</td>"
        f"<td class=c>{_reads(j)}</td><td>{_quality(j.quality)}</td></tr>"
    )


def _css() -> str:
    return (
        document.css(table_pt=13)
        + """
td.c { text-align: center; }
col.no { width: 4%; } col.ds { width: 15%; } col.sys { width: 12%; } col.own { width: 15%; }
col.every { width: 9%; } col.last { width: 10%; } col.pct { width: 8%; } col.state { width: 9%; }
col.reads { width: 7%; } col.q { width: 11%; }
figure { margin: 4pt 0; break-inside: avoid; } figure img { width: 100%; }
"""
    )


def report_html(
    unit: Unit, start: date, end: date, judged: list, png_b64: str, now: datetime | None = None
) -> str:
    from lakthan.data.services.freshness import judged_at

    thai = document.thai()
    _, until, cut = judged_at(start, end, now or timezone.now())
    moment = (
        f"สิ้นวันที่ {format_date(end, thai_digits=thai)}"
        if cut == until
        else format_datetime(cut, thai_digits=thai)
    )
    late = sum(bool(j.late) for j in judged)
    never = sum(j.late is None for j in judged)
    failed_q = sum(bool(j.quality["failed"]) for j in judged)
    failed_reads = sum(bool(j.failed_reads) for j in judged)
    body = "".join(_row(i, j) for i, j in enumerate(judged, 1))
    if not body:
        body = "<tr><td colspan=10 class=c>ไม่มีชุดข้อมูลที่ลงทะเบียนไว้ให้ตรวจ</td></tr>"
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>ผลการตรวจสอบความเป็นปัจจุบันและคุณภาพของข้อมูล {e(unit.name_th)}</title><style>{_css()}</style></head><body>
<h1>ผลการตรวจสอบความเป็นปัจจุบันและคุณภาพของข้อมูล</h1>
<p class=sub>{e(unit.name_th)}<br>ระหว่างวันที่ {format_date(start, style="long", thai_digits=thai)}
ถึงวันที่ {format_date(end, style="long", thai_digits=thai)}</p>
<p>ชุดข้อมูล {n(len(judged))} ชุด · ล่าช้า ณ {moment} {n(late)} ชุด
· ยังไม่เคยอ่านได้ {n(never)} ชุด · มีการอ่านไม่สำเร็จ {n(failed_reads)} ชุด · ไม่ผ่านเกณฑ์คุณภาพ {n(failed_q)} ชุด</p>
<table><colgroup><col class=no><col class=ds><col class=sys><col class=own><col class=every><col class=last>
<col class=pct><col class=state><col class=reads><col class=q></colgroup>
<thead><tr><th>ที่</th><th>ชุดข้อมูล</th><th>ระบบสารสนเทศ</th><th>ผู้รับผิดชอบข้อมูล (คำสั่งมอบหมาย)</th>
<th>ความถี่ที่กำหนด</th><th>ปรับปรุงล่าสุด</th><th>ร้อยละของเวลาที่เป็นปัจจุบัน</th>
<th>สถานะ ณ {moment}</th><th>การอ่าน (ครั้ง)</th><th>คุณภาพข้อมูล</th></tr></thead>
<tbody>{body}</tbody></table>
<p>ข้อมูลถือว่าเป็นปัจจุบันเมื่อการปรับปรุงล่าสุดห่างจากเวลาที่ตรวจไม่เกินความถี่ที่กำหนด เกินกว่านั้นถือว่าล่าช้า
ร้อยละของเวลาที่เป็นปัจจุบันคำนวณถ่วงน้ำหนักตามเวลา จากการปรับปรุงล่าสุดที่อ่านได้ในแต่ละครั้ง
ระหว่างการอ่านสองครั้ง ข้อมูลเป็นปัจจุบันจนครบความถี่ที่กำหนดนับจากการปรับปรุงล่าสุด แล้วจึงล่าช้า
การอ่านที่ไม่สำเร็จใช้การปรับปรุงล่าสุดที่ทราบก่อนหน้า ช่วงก่อนการอ่านครั้งแรกนับเป็นไม่มีข้อมูลและไม่นำมาคำนวณ
คุณภาพข้อมูลใช้ผลการตรวจครั้งล่าสุดในช่วงของแต่ละเกณฑ์ เวลาทั้งหมดเป็นเวลาประเทศไทย</p>
<h2>แผนภาพความเป็นปัจจุบันของข้อมูลตลอดช่วง</h2>
<figure><img src="data:image/png;base64,{png_b64}" alt="แผนภาพความเป็นปัจจุบันของข้อมูล"></figure>
</body></html>"""
