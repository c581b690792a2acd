"""Item 6's data part: who owns each dataset of a unit and the units below it, and the
work-assignment order (evidence) that names them — as rows for the check and as the official list
printed beside the report (Thai, B.E. dates, Thai digits)."""

from __future__ import annotations

from datetime import date

from lakthan.core.models import Unit
from lakthan.data.models import Dataset
from lakthan.lib.thai import format_date
from lakthan.reports import plain_document as document
from lakthan.reports.render_pdf import render_pdf_from_html


def data_owners(unit: Unit) -> list[dict]:
    """One row per active dataset of the unit and below: its owner and the order naming them."""
    datasets = (
        Dataset.objects.filter(unit_id__in=unit.descendant_ids(), active=True)
        .select_related("unit", "system", "owner", "owner_order")
        .order_by("unit__code", "name")
    )
    rows = []
    for ds in datasets:
        order = ds.owner_order
        rows.append(
            {
                "dataset": ds.name,
                "unit": ds.unit.code,
                "system": ds.system.code if ds.system else "",
                "owner": ds.owner.display_name if ds.owner else "",
                "owner_position": ds.owner.position_th if ds.owner else "",
                "order": (
                    {
                        "evidence": order.pk,
                        "doc_no": order.doc_no,
                        "doc_date": order.doc_date.isoformat() if order.doc_date else None,
                        "title": order.title,
                    }
                    if order
                    else None
                ),
            }
        )
    return rows


def _order_th(order: dict | None) -> str:
    if order is None:
        return '<span class="miss">ยังไม่มีคำสั่ง</span>'
    text = document.escape(order["doc_no"] or order["title"])
    if order["doc_date"]:
        text += " ลงวันที่ " + format_date(date.fromisoformat(order["doc_date"]), thai_digits=document.thai())
    return document.number(text) if document.thai() else text


def owners_html(unit: Unit, as_of: date) -> str:
    rows = data_owners(unit)
    body = "".join(
        f"<tr><td class=c>{document.number(i)}</td><td>{document.escape(r['dataset'])}</td>"
        f"<td>{document.escape(r['system'] or '–')}</td><td>{document.escape(r['unit'])}</td>"
        f"<td>{document.escape(r['owner']) or '<span class=miss>ยังไม่มีผู้รับผิดชอบ</span>'}"
        f"{'<br><span class=muted>' + document.escape(r['owner_position']) + '</span>' if r['owner_position'] else ''}</td>"
        f"<td>{_order_th(r['order'])}</td></tr>"
        for i, r in enumerate(rows, 1)
    )
    table = (
        "<table><thead><tr><th>ที่</th><th>ชุดข้อมูล</th><th>ระบบ</th><th>หน่วยงาน</th>"
        f"<th>ผู้รับผิดชอบข้อมูล</th><th>คำสั่งมอบหมาย</th></tr></thead><tbody>{body}</tbody></table>"
        if rows
        else "<p>ยังไม่มีชุดข้อมูล</p>"
    )
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>บัญชีผู้รับผิดชอบข้อมูล {document.escape(unit.name_th)}</title>
<style>{document.css(table_pt=14)} td.c {{ text-align: center; }}</style></head><body>
<h1>บัญชีผู้รับผิดชอบข้อมูลในระบบสารสนเทศ</h1>
<p class=sub>{document.escape(unit.name_th)}<br>ณ วันที่ {format_date(as_of, style="long", thai_digits=document.thai())}</p>
{table}</body></html>"""


def owners_pdf(unit: Unit, as_of: date) -> bytes:
    return render_pdf_from_html(owners_html(unit, as_of))
