"""The item-4 document: the systems in use at every unit and checkpoint of a period — where each system
is installed and in use, how many units use it, its statistics per month from the usage logs, and the
silent installations (the findings). Official Thai style as risks' drill report: the report font at
the size of TH SarabunPSK 16 pt, the official margins, B.E. dates, Thai digits unless
LAKTHAN_THAI_DIGITS is off; rendered by reports.render_pdf (WeasyPrint, libthai line breaking)."""

from __future__ import annotations

from datetime import date

from lakthan.core.models import Unit
from lakthan.lib.thai import digits, format_date
from lakthan.operations.engines.usage_chart import month_label
from lakthan.reports import plain_document as document
from lakthan.reports.fonts import report_font

DECLARED_TH = {"inventory": "ทะเบียนระบบสารสนเทศ", "host": "เครื่องแม่ข่ายของหน่วย"}


def _css() -> str:
    font = report_font()
    return (
        document.css(table_pt=14)
        + f"""
table.months {{ font-size: {font.pt(12)}pt; }}
td.c {{ text-align: center; white-space: nowrap; }} td.n {{ text-align: right; white-space: nowrap; }}
img.chart {{ max-width: 100%; max-height: 15cm; }} figure {{ margin: 4pt 0; break-inside: avoid; }}
"""
    )


def report_html(
    unit: Unit, start: date, end: date, full: dict, per_system: list[dict], png_b64: str, thai: bool
) -> str:
    """``full``: usage._usage's answer (the contract's dict under "usage", the System and Unit rows
    by code); ``per_system``: usage.summary of it."""

    def n(value: object) -> str:
        return digits(f"{value:,}" if isinstance(value, int) else value, thai=thai)

    result, systems, units = full["usage"], full["systems"], full["units"]

    def unit_name(code: str) -> str:
        u = units.get(code)
        return (
            f"{document.escape(u.name_th)} <span class=muted>({document.escape(code)})</span>"
            if u
            else document.escape(code)
        )

    def system_name(code: str) -> str:
        s = systems.get(code)
        return (
            f"{document.escape(s.name_th)} <span class=muted>({document.escape(code)})</span>"
            if s
            else document.escape(code)
        )

    installations = result["installations"]
    in_use = [r for r in installations if r["in_use"]]
    head = (
        f"<p>ระบบสารสนเทศ {n(len(per_system))} ระบบ ติดตั้งรวม {n(len(installations))} แห่ง "
        f"มีการใช้งานจริง {n(len(in_use))} แห่ง ไม่มีการใช้งานในช่วงนี้ {n(len(result['silent']))} แห่ง</p>"
    )
    overview = "".join(
        "<tr>"
        f"<td>{system_name(s['system'])}</td>"
        f"<td class=c>{n(len(s['installed']))}</td>"
        f"<td class=c>{n(s['units_using'])}</td>"
        f"<td>{document.escape(', '.join(s['in_use'] + [f'{u}*' for u in s['undeclared']])) or '–'}</td>"
        f"<td class=n>{n(s['events'])}</td>"
        "</tr>"
        for s in per_system
    )
    places = "".join(
        "<tr>"
        f"<td>{system_name(r['system'])}</td><td>{unit_name(r['unit'])}</td>"
        f"<td class=c>{DECLARED_TH[r['declared_by']]}</td>"
        f"<td class=c>{'ใช้งาน' if r['in_use'] else '<b class=miss>ไม่มีการใช้งาน</b>'}</td>"
        f"<td class=n>{n(r['events'])}</td>"
        "</tr>"
        for r in installations
    )
    months = sorted({r["month"] for r in result["rows"]})
    by_pair: dict[tuple[str, str], dict[str, dict]] = {}
    for r in result["rows"]:
        by_pair.setdefault((r["system"], r["unit"]), {})[r["month"]] = r

    def cell(r: dict | None) -> str:
        if r is None or not r["events"]:
            return "<td class=c>–</td>"
        users = "" if r["users"] is None else f"<br><span class=muted>{n(r['users'])} คน</span>"
        return f"<td class=n>{n(r['events'])}{users}</td>"

    stats = "".join(
        "<tr>"
        f"<td>{document.escape(s)}</td><td>{document.escape(u)}</td>"
        + "".join(cell(per.get(m)) for m in months)
        + f"<td class=n><b>{n(sum(r['events'] for r in per.values()))}</b></td></tr>"
        for (s, u), per in sorted(by_pair.items())
    )
    silent = (
        "".join(
            f"<tr><td>{system_name(r['system'])}</td><td>{unit_name(r['unit'])}</td></tr>"
            for r in result["silent"]
        )
        if result["silent"]
        else ""
    )
    thai_span = (
        f"ระหว่างวันที่ {format_date(start, style='long', thai_digits=thai)} "
        f"ถึงวันที่ {format_date(end, style='long', thai_digits=thai)}"
    )
    month_heads = "".join(f"<th>{document.escape(month_label(m, thai))}</th>" for m in months)
    silent_part = (
        "<table><thead><tr><th>ระบบสารสนเทศ</th><th>หน่วย/ด่านตรวจ</th></tr></thead>"
        f"<tbody>{silent}</tbody></table>"
        if silent
        else "<p>ไม่มี ทุกแห่งที่ติดตั้งมีการใช้งานในช่วงนี้</p>"
    )
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>รายงานการใช้งานระบบสารสนเทศ {document.escape(unit.name_th)}</title><style>{_css()}</style></head><body>
<h1>รายงานการใช้งานระบบสารสนเทศในหน่วยงานและด่านตรวจ</h1>
<p class=sub>{document.escape(unit.name_th)}<br>{thai_span}</p>
<p>ระบบที่ติดตั้ง คือระบบที่บันทึกไว้ในทะเบียนระบบสารสนเทศว่าติดตั้งที่หน่วย หรือมีเครื่องแม่ข่ายของหน่วยให้บริการระบบนั้น
การใช้งานนับจากบันทึกการใช้งาน (log) ที่ปิดผนึกแล้ว ได้แก่ เหตุการณ์จากเครื่องของหน่วยที่ให้บริการระบบ
และเหตุการณ์บนเครื่องของระบบที่มาจากหมายเลข IP ในช่วงเครือข่ายของหน่วยตามแผนผังเครือข่าย
จำนวนผู้ใช้ คือจำนวนชื่อผู้ใช้ที่ไม่ซ้ำกันที่บันทึกการใช้งานระบุ เดือนตามเวลาประเทศไทย</p>
{head}
<h2>๑. จำนวนหน่วยที่ใช้งานแต่ละระบบ</h2>
<table><thead><tr><th>ระบบสารสนเทศ</th><th>ติดตั้ง (แห่ง)</th><th>ใช้งาน (แห่ง)</th>
<th>หน่วย/ด่านตรวจที่ใช้งาน</th><th>เหตุการณ์รวม</th></tr></thead><tbody>{overview}</tbody></table>
<p class=muted>* ใช้งานผ่านเครือข่ายของหน่วยโดยยังไม่ได้บันทึกว่าติดตั้ง</p>
<h2>๒. รายชื่อหน่วยและด่านตรวจที่ติดตั้งแต่ละระบบ</h2>
<table><thead><tr><th>ระบบสารสนเทศ</th><th>หน่วย/ด่านตรวจ</th><th>ที่มาของข้อมูลการติดตั้ง</th>
<th>สถานะ</th><th>เหตุการณ์</th></tr></thead><tbody>{places}</tbody></table>
<h2>๓. สถิติการใช้งานรายเดือน (จำนวนเหตุการณ์ และจำนวนผู้ใช้)</h2>
<figure><img class=chart src="data:image/png;base64,{png_b64}" alt="แผนภาพการใช้งานระบบสารสนเทศรายหน่วยรายเดือน"></figure>
<table class=months><thead><tr><th>ระบบ</th><th>หน่วย</th>{month_heads}<th>รวม</th></tr></thead>
<tbody>{stats}</tbody></table>
<h2>๔. ระบบที่ติดตั้งแต่ไม่มีการใช้งานในช่วงนี้ (ข้อตรวจพบ)</h2>
{silent_part}
</body></html>"""
