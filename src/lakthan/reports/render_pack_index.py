"""The evidence pack's index page (Thai): what the pack holds and how to check it.

One HTML page, also printed to index.pdf: set like the report (its font at official sizes, its
digits, its no-break phrases), the numbers written as the report writes them (report_view), every
file a relative link (the page sits at the pack's root), the time it was made in the page footer
(a last paragraph of its own could start a page with nothing else on it).
"""

from __future__ import annotations

from html import escape

from lakthan.lib.thai import digits, format_date, format_datetime
from lakthan.reports import keep_whole
from lakthan.reports.context import ReportContext
from lakthan.reports.fonts import BODY_PT, page_margin_css, report_font
from lakthan.reports.render_html import FOOTER_PT, css_string, proper_names, report_view

_CSS = """
@page { size: A4; margin: %(margin)s;
        @bottom-left { content: %(generated)s; font-size: %(footer)spt; color: #444; }
        @bottom-right { content: "หน้า " counter(page, %(counter)s) "/" counter(pages, %(counter)s);
                        font-size: %(footer)spt; color: #444; } }
html { font-family: "%(font)s", "Laksaman", "Sarabun", sans-serif; font-size: %(body)spt;
       line-height: %(line)s; color: #111; }
body { margin: 0 auto; max-width: 16cm; }
h1 { font-size: 1.2em; text-align: center; margin: 0; }
p { margin: 0.2em 0; }
p.sub { text-align: center; margin: 0 0 0.6em; }
.nw { white-space: nowrap; }
table { width: 100%%; border-collapse: collapse; font-size: 0.875em; margin-top: 0.4em; }
th, td { border: 0.75pt solid #555; padding: 0.1em 0.3em; vertical-align: top; }
th { background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.n { text-align: center; white-space: nowrap; }
.file { overflow-wrap: anywhere; }
.sha { font-family: "TlwgMono", "DejaVu Sans Mono", monospace; font-size: 0.85em; color: #333;
       letter-spacing: -0.02em; }
.cmd { font-family: "TlwgMono", "DejaVu Sans Mono", monospace; font-size: 0.9em; }
.draft { color: #b91c1c; font-weight: bold; text-align: center; border: 2px solid #b91c1c; padding: 0.1em; }
a { color: inherit; }
@media screen { html { font-size: 12pt; } body { padding: 1em; } }
"""


def _file_name(path: str) -> str:
    """A file name that breaks after "/", "-" and "_" and between Thai words, never mid-word."""
    return escape(path).replace("/", "/<wbr>").replace("-", "-<wbr>").replace("_", "_<wbr>")


def _sha(sha256: str) -> str:
    """64 hex digits in four groups of 16 (a line may end between groups only)."""
    return " ".join(sha256[i : i + 16] for i in range(0, len(sha256), 16))


def render_pack_index(ctx: ReportContext) -> str:
    t = ctx.thai_digits
    view = report_view(ctx)
    font = report_font()

    def d(text: object) -> str:
        return escape(digits(str(text), thai=t))

    rows = []
    for ref in ctx.evidence:
        if ref.filename:
            where = f'<a class="file" href="{escape(ref.filename)}">{_file_name(ref.filename)}</a>'
        else:
            where = f'<a class="file" href="{escape(ref.url)}">{_file_name(ref.url)}</a>'
        sha = f'<br><span class="sha">SHA-256 {_sha(ref.sha256)}</span>' if ref.sha256 else ""
        tail = " ".join(
            x
            for x in (
                d(ref.doc_no),
                f"ลง {escape(format_date(ref.doc_date, thai_digits=t))}" if ref.doc_date else "",
            )
            if x
        )
        rows.append(
            f'<tr><td class="n">{d(ref.number)}</td><td>{d(ref.title)}{f" ({tail})" if tail else ""}'
            f"<br>{where}{sha}</td></tr>"
        )
    calc = view["calc_row"]
    status = (
        f"<p>ลงนามรับรองโดย {escape(ctx.signed_by)} เมื่อ {escape(format_datetime(ctx.signed_at, thai_digits=t))}</p>"
        if ctx.signed and ctx.signed_at
        else '<p class="draft">ฉบับร่าง — ยังไม่ได้ลงนามรับรอง</p>'
    )
    reports = " ".join(
        f'<a href="report/report.{fmt}">report/report.{fmt}</a>' for fmt in ("docx", "pdf", "html")
    )
    css = _CSS % {
        "margin": page_margin_css(),
        "generated": css_string(view["generated"]),
        "counter": "thai" if t else "decimal",
        "font": font.family,
        "body": font.pt(BODY_PT),
        "footer": font.pt(FOOTER_PT),
        "line": font.line_height,
    }
    page = f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>ชุดหลักฐาน ตัวชี้วัดที่ {d(ctx.indicator_code)}</title>
<style>{css}</style></head><body>
<h1>ชุดหลักฐานประกอบการประเมิน</h1>
<p class="sub">{d(ctx.unit_th)}<br>ตัวชี้วัดที่ {escape(view["indicator"])}<br>
{escape(view["round"])} {escape(view["fiscal_year"])} ({escape(view["period"])})</p>
{status}
<p>ผลการดำเนินงาน {escape(calc["result"])} ค่าคะแนนที่ได้ {escape(calc["score"])}
น้ำหนัก (ร้อยละ) {escape(calc["weight"])} ค่าคะแนนถ่วงน้ำหนัก {escape(calc["weighted"])}</p>
<p>รายงานอยู่ในโฟลเดอร์ report ({reports}) หลักฐานแต่ละรายการอยู่ในโฟลเดอร์ evidence
ตามหมายเลขอ้างอิง ทุกไฟล์มีค่า SHA-256 ใน SHA256SUMS และ manifest.json
และหน่วยงานลงลายมือชื่อดิจิทัล (Ed25519) กำกับ manifest.json ไว้ใน signature.ed25519
ตรวจสอบได้ด้วยคำสั่ง <span class="cmd nw">lakthan pack verify ชุดหลักฐาน.zip --key agency-key.pem</span>
โดยใช้กุญแจสาธารณะที่ได้รับจากหน่วยงานโดยตรง (ไม่ใช่ไฟล์ในชุดนี้)</p>
<table><thead><tr><th>ที่</th><th>หลักฐานอ้างอิง / ไฟล์</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
</body></html>"""
    return keep_whole.html_page(page, proper_names(ctx))
