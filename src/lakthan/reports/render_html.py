"""The report as one standalone HTML page (lang="th"), in the seed's form and section order.

`report_view()` turns a ReportContext into display strings (Thai or Arabic digits, B.E. dates);
the HTML template and the DOCX renderer both lay out that same view, so the two cannot drift.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lakthan.lib.thai import digits, format_date, format_datetime, format_number, to_decimal
from lakthan.lib.timezones import BANGKOK
from lakthan.reports import keep_whole
from lakthan.reports.context import EvidenceRef, ReportContext
from lakthan.reports.draft_mark import watermark_svg
from lakthan.reports.fonts import BODY_PT, page_margin_css, report_font

TITLE = "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ"
SUBTITLE = "(รายตัวชี้วัด)"
DRAFT = "ฉบับร่าง"
FOOTER_PT = 14  # official points: the footer line and page number

# Section headings, in the seed's order (the DOCX renderer uses the same strings).
H_CRITERIA = "คำอธิบาย :"
H_SCORING = "เกณฑ์การให้คะแนน :"
H_NOTE = "หมายเหตุ"
H_CALC = "การคำนวณคะแนนจากผลการดำเนินงาน :"
H_ACTIONS = "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ :"
H_SUPPORT = "ปัจจัยสนับสนุนต่อการดำเนินงาน :"
H_OBSTACLES = "อุปสรรคต่อการดำเนินงาน :"
H_SUGGESTIONS = "ข้อเสนอแนะสำหรับการดำเนินงานในปีต่อไป :"
H_EVIDENCE = "หลักฐานอ้างอิง :"
SCORING_HEAD = ("การประเมิน", "น้ำหนัก", "เกณฑ์การให้คะแนน")
# "\n" marks where a header cell breaks, as in the seed (so "ร้อยละ" is never split).
CALC_HEAD = (
    "ตัวชี้วัด/ข้อมูลพื้นฐาน\nประกอบตัวชี้วัด",
    "น้ำหนัก\n(ร้อยละ)",
    "ผลการดำเนินงาน",
    "ค่าคะแนนที่ได้",
    "ค่าคะแนน\nถ่วงน้ำหนัก",
)
# The signature block, as official documents have it: dotted lines where a hand fills them in.
SIGN_LINE = "(ลงชื่อ) " + "." * 40
DATE_BLANK = "." * 30


def _plain(value: Decimal | int) -> str:
    """3 → '3', Decimal('3.00') → '3', Decimal('2.50') → '2.5' (never exponent notation)."""
    return f"{to_decimal(value).normalize():f}"


def report_view(ctx: ReportContext) -> dict:
    thai = ctx.thai_digits

    def d(text: object) -> str:
        return digits(text, thai=thai)

    def date(value) -> str:
        return format_date(value, thai_digits=thai)

    def numbered(items: list[str]) -> list[tuple[str, str]]:
        return [(d(f"{i}."), d(text)) for i, text in enumerate(items, 1)]

    indicator = d(f"{ctx.indicator_code} {ctx.indicator_name}")
    weight = d(_plain(ctx.scoring.weight))
    generated = ctx.generated_at or datetime.now().astimezone()
    return {
        "title": TITLE,
        "subtitle": SUBTITLE,
        "round": d(f"รอบ {ctx.round_months} เดือน"),
        "fiscal_year": d(f"ปีงบประมาณ พ.ศ. {ctx.fiscal_year}"),
        "period": f"{date(ctx.round_start)} – {date(ctx.round_end)}",
        "agency": d(ctx.agency_th),
        "unit": d(ctx.unit_th) if ctx.unit_th != ctx.agency_th else "",
        "indicator": indicator,
        "parent_indicator": d(ctx.parent_indicator),
        "supervisor": d(ctx.supervisor),
        "collectors": numbered(ctx.collectors),
        "phone": d(ctx.phone),
        # the seed's form has two telephone lines: the supervisor's, then the data collectors'
        "phones": [d(ctx.supervisor_phone or ctx.phone), d(ctx.collectors_phone or ctx.phone)],
        "criteria": [
            {
                "number": d(f"{c.number}."),
                "title": d(c.title),
                "explanation": [d(e) for e in c.explanation],
                "refs": d(", ".join(str(n) for n in c.evidence_refs)),
                "findings": [d(f) for f in c.findings],
            }
            for c in ctx.criteria
        ],
        "scoring_intro": f"เกณฑ์การให้คะแนนตัวชี้วัดที่ {indicator} มีดังนี้",
        "levels": [d(i) for i in range(1, len(ctx.scoring.labels) + 1)],
        "scoring_row": {
            "name": indicator,
            "total": d(f"{ctx.criteria_total} ข้อ"),
            "weight": weight,
            "labels": [d(label) for label in ctx.scoring.labels],
        },
        "scoring_note": [d(line) for line in ctx.scoring_note],
        "calc_row": {
            "name": indicator,
            "weight": weight,
            "result": d(_plain(ctx.result_value)),
            "score": d(_plain(ctx.score)),
            "weighted": format_number(ctx.weighted_score, thai=thai, places=2),
        },
        "actions": numbered(ctx.actions_taken),
        "supporting": [d(s) for s in ctx.supporting_factors],
        "obstacles": [d(s) for s in ctx.obstacles],
        "no_obstacles": "-",
        "suggestions": [d(s) for s in ctx.suggestions],
        "no_suggestions": "ไม่มี",
        "evidence": [(d(f"{e.number}."), evidence_text(e, thai=thai)) for e in ctx.evidence],
        "signed": ctx.signed,
        "signoff": _signoff(ctx),
        "signature": signature_block(ctx),
        "generated": f"จัดทำเมื่อ {format_datetime(generated, thai_digits=thai)}",
        # W3C date-time for <meta name="dcterms.created">: the PDF's CreationDate (the signature's time)
        "created": generated.astimezone(BANGKOK).isoformat(timespec="seconds"),
    }


# How a date reads by the kind of evidence: a document is dated ("ลง"), a picture is taken.
DATE_WORDS = {"photo": "ถ่ายเมื่อ", "screenshot": "บันทึกภาพเมื่อ"}


def _squeezed(text: str) -> str:
    """For "does the title already say it": Arabic digits, no spaces ("ลง ๑๑ ก.ค.๒๕๕๖" → "ลง11ก.ค.2556")."""
    return re.sub(r"\s+", "", digits(text, thai=False))


def evidence_text(e: EvidenceRef, *, thai: bool) -> str:
    """One line of หลักฐานอ้างอิง. The title as written; then, in brackets, what it does not already
    say: the document number ("ที่ …") and date ("ลง …") — a photo or a screen capture has the day it
    was taken instead, and system-generated evidence the day it was produced and the period it covers."""

    def date(value) -> str:
        return format_date(value, thai_digits=thai)

    title = digits(e.title, thai=thai)
    if e.produced_on is not None or e.covers_start is not None:
        parts = [f"ตรวจสอบเมื่อ {date(e.produced_on)}" if e.produced_on else ""]
        if e.covers_start and e.covers_end:
            parts.append(f"ครอบคลุม {date(e.covers_start)} – {date(e.covers_end)}")
        return f"{title} ({' '.join(p for p in parts if p)})"
    said = _squeezed(e.title)
    parts = []
    number = re.sub(r"^ที่\s*", "", e.doc_no.strip())
    if number and _squeezed(number) not in said:
        parts.append(digits(f"ที่ {number}", thai=thai))
    if e.doc_date is not None and _squeezed(format_date(e.doc_date, thai_digits=False)) not in said:
        parts.append(f"{DATE_WORDS.get(e.kind, 'ลง')} {date(e.doc_date)}")
    return f"{title} ({' '.join(parts)})" if parts else title


def _signoff(ctx: ReportContext) -> str:
    if not ctx.signed:
        return ""
    when = f" เมื่อ {format_datetime(ctx.signed_at, thai_digits=ctx.thai_digits)}" if ctx.signed_at else ""
    return digits(f"ลงนามรับรองโดย {ctx.signed_by or '-'}{when}", thai=ctx.thai_digits)


def signature_block(ctx: ReportContext) -> list[str]:
    """(ลงชื่อ) ……, (full name), ตำแหน่ง ……, วันที่ …… — the supervisor's until the report is signed,
    then the signer's, dated at the signature; blanks stay dotted for a hand to fill."""
    name = ctx.signed_by if ctx.signed else ctx.supervisor
    position = (ctx.signed_by_position if ctx.signed else "") or ctx.supervisor_position
    when = format_date(ctx.signed_at, thai_digits=ctx.thai_digits) if ctx.signed and ctx.signed_at else ""
    lines = [
        SIGN_LINE,
        f"({name or DATE_BLANK})",
        f"ตำแหน่ง {position or DATE_BLANK}",
        f"วันที่ {when or DATE_BLANK}",
    ]
    return [digits(line, thai=ctx.thai_digits) for line in lines]


def css_string(text: str) -> str:
    """A CSS string literal safe inside <style> (for the PDF margin boxes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ")
    return mark_safe(f'"{escaped}"')


def proper_names(ctx: ReportContext) -> tuple[str, ...]:
    """The names from the data that a line must not break (see keep_whole)."""
    return tuple(n for n in (ctx.agency_th, ctx.unit_th) if n)


def render_html(ctx: ReportContext) -> str:
    view = report_view(ctx)
    font = report_font()
    page = render_to_string(
        "reports/report.html",
        {
            **view,
            "font_family": font.family,
            "body_pt": font.pt(BODY_PT),
            "footer_pt": font.pt(FOOTER_PT),
            "line_height": font.line_height,  # Word's single spacing, so a page holds what it holds in Word
            "page_margin": page_margin_css(),
            "counter_style": "thai" if ctx.thai_digits else "decimal",
            "css_generated": css_string(view["generated"]),
            "css_draft": css_string(DRAFT),
            "css_page": css_string("หน้า "),
            "headings": {
                "criteria": H_CRITERIA,
                "scoring": H_SCORING,
                "note": H_NOTE,
                "calc": H_CALC,
                "actions": H_ACTIONS,
                "support": H_SUPPORT,
                "obstacles": H_OBSTACLES,
                "suggestions": H_SUGGESTIONS,
                "evidence": H_EVIDENCE,
            },
            "scoring_head": SCORING_HEAD,
            "calc_head": CALC_HEAD,
            "draft": DRAFT,
            "watermark_svg": mark_safe(watermark_svg(DRAFT, font.bold)),
        },
    )
    return keep_whole.html_page(page, proper_names(ctx))
