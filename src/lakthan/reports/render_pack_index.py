"""The evidence pack's index page (Thai): what the pack holds and how to check it."""

from __future__ import annotations

from html import escape

from lakthan.lib.thai import digits, format_date, format_datetime, format_number
from lakthan.reports.context import ReportContext
from lakthan.reports.fonts import report_font

_CSS = """
@page { size: A4; margin: 2cm 1.8cm; @bottom-right { content: "หน้า " counter(page) "/" counter(pages); font-size: 11pt; } }
body { font-family: "%(font)s", sans-serif; font-size: 14pt; line-height: 1.35; color: #111; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 .2em; }
p.sub { text-align: center; margin: 0 0 1em; }
table { width: 100%%; border-collapse: collapse; font-size: 12pt; }
th, td { border: 1px solid #555; padding: 2px 5px; vertical-align: top; }
th { background: #eee; }
td.n { text-align: center; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; word-break: break-all; }
.draft { color: #b00; font-weight: bold; text-align: center; font-size: 16pt; }
"""


def render_pack_index(ctx: ReportContext) -> str:
    t = ctx.thai_digits

    def d(text: object) -> str:
        return escape(digits(str(text), thai=t))

    rows = []
    for ref in ctx.evidence:
        where = (
            f"<code>{escape(ref.filename)}</code>"
            if ref.filename
            else f'<a href="{escape(ref.url)}">{escape(ref.url)}</a>'
        )
        rows.append(
            f'<tr><td class="n">{d(ref.number)}</td><td>{d(ref.title)}</td><td>{d(ref.doc_no)}</td>'
            f'<td class="n">{escape(format_date(ref.doc_date, thai_digits=t)) if ref.doc_date else ""}</td>'
            f"<td>{where}<br><code>{escape(ref.sha256)}</code></td></tr>"
        )
    status = (
        f"ลงนามรับรองโดย {escape(ctx.signed_by)} เมื่อ {escape(format_datetime(ctx.signed_at, thai_digits=t))}"
        if ctx.signed and ctx.signed_at
        else '<span class="draft">ฉบับร่าง — ยังไม่ได้ลงนามรับรอง</span>'
    )
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>ชุดหลักฐาน ตัวชี้วัดที่ {d(ctx.indicator_code)}</title>
<style>{_CSS % {"font": report_font().family}}</style></head><body>
<h1>ชุดหลักฐานประกอบการประเมิน</h1>
<p class="sub">{escape(ctx.unit_th)}<br>ตัวชี้วัดที่ {d(ctx.indicator_code)} {d(ctx.indicator_name)}<br>
รอบ {d(ctx.round_months)} เดือน ปีงบประมาณ พ.ศ. {d(ctx.fiscal_year)}
({escape(format_date(ctx.round_start, thai_digits=t))} – {escape(format_date(ctx.round_end, thai_digits=t))})</p>
<p>ผลการดำเนินงาน {d(format_number(ctx.result_value, thai=False))} คะแนนที่ได้ {d(format_number(ctx.score, thai=False))}
น้ำหนัก {d(format_number(ctx.scoring.weight, thai=False))} คะแนนถ่วงน้ำหนัก {escape(format_number(ctx.weighted_score, thai=t, places=2))}<br>{status}</p>
<p>รายงานอยู่ในโฟลเดอร์ <code>report/</code> (DOCX, PDF, HTML) หลักฐานแต่ละรายการอยู่ในโฟลเดอร์ <code>evidence/</code>
ตามหมายเลขอ้างอิง ทุกไฟล์มีค่า SHA-256 ใน <code>SHA256SUMS</code> และ <code>manifest.json</code>
และหน่วยงานลงลายมือชื่อดิจิทัล (Ed25519) กำกับ <code>manifest.json</code> ไว้ใน <code>signature.ed25519</code>:
ตรวจสอบได้ด้วยคำสั่ง <code>lakthan pack verify ชุดหลักฐาน.zip --key agency-key.pem</code>
โดยใช้กุญแจสาธารณะที่ได้รับจากหน่วยงานโดยตรง (ไม่ใช่ไฟล์ในชุดนี้)</p>
<table><thead><tr><th>ที่</th><th>หลักฐานอ้างอิง</th><th>เลขที่หนังสือ</th><th>ลงวันที่</th><th>ไฟล์ / SHA-256</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<p style="font-size:11pt">จัดทำเมื่อ {escape(format_datetime(ctx.generated_at, thai_digits=t)) if ctx.generated_at else ""}</p>
</body></html>"""
