"""The continuity plan as an editable DOCX, in the reports' official style: the same page, fonts (TH
SarabunPSK named, the report font embedded), Thai complex-script run properties and footer as the
indicator report, through reports.render_docx's helpers. Same view (plan_content) as the PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Emu, Pt

import lakthan
from lakthan.reports import keep_whole
from lakthan.reports.fonts import BODY_PT, MARGIN_CM, OFFICIAL_FAMILY, report_font
from lakthan.reports.render_docx import (
    _SETTINGS_ORDER,
    GREY,
    HEAD_PT,
    RED,
    TEXT_WIDTH,
    _cell,
    _embed_fonts,
    _footer,
    _grid,
    _insert_ordered,
    _repeat_header,
    _run,
    _thai_rpr,
    xml_text,
)
from lakthan.risks.services import plan_content as h
from lakthan.risks.services.plan_content import PlanView

INDENT = Cm(2.5)  # the first-line indent of official paragraphs


class _Doc:
    def __init__(self, view: PlanView):
        self.view = view
        self.doc = Document()

    def text(self, value: str) -> str:
        return keep_whole.docx_text(xml_text(value), self.view.names)

    def para(
        self, text="", *, bold=False, align=None, before=0, indent=None, first=None, size=None, color=None
    ):
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        if align is not None:
            paragraph.alignment = align
        if indent is not None:
            fmt.left_indent = indent
        if first is not None:
            fmt.first_line_indent = first
        fmt.space_before = Pt(before)
        if text:
            _run(paragraph, self.text(text), bold=bold, size=size, color=color)
        return paragraph

    def heading(self, text: str, *, level: int = 1) -> None:
        paragraph = self.para(text, bold=True, before=10 if level == 1 else 6)
        paragraph.paragraph_format.keep_with_next = True

    def body(self, text: str) -> None:
        self.para(text, first=INDENT)

    def table(
        self,
        head: tuple[str, ...],
        rows,
        widths_cm: list[float],
        centred: frozenset[int] | set[int] = frozenset(),
    ):
        scale = TEXT_WIDTH / Cm(sum(widths_cm))
        widths = [Emu(int(Cm(w) * scale)) for w in widths_cm]
        table: Any = _grid(self.doc, 1 + len(rows), widths)
        for cell, title in zip(table.rows[0].cells, head, strict=True):
            _cell(cell, self.text(title), bold=True, center=True, size=HEAD_PT)
        _repeat_header(table.rows[0])
        for row, values in zip(table.rows[1:], rows, strict=True):
            for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                _cell(cell, self.text(value), center=i in centred)
        return table


def _setup(doc, view: PlanView) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(MARGIN_CM["top"]), Cm(MARGIN_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGIN_CM["left"]), Cm(MARGIN_CM["right"])
    section.header_distance = section.footer_distance = Cm(1.2)
    normal = doc.styles["Normal"]
    _thai_rpr(normal.element.get_or_add_rPr(), OFFICIAL_FAMILY, BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, size in (("Header", BODY_PT), ("Footer", BODY_PT - 4)):
        _thai_rpr(doc.styles[name].element.get_or_add_rPr(), OFFICIAL_FAMILY, size)
    doc.styles["Footer"].font.color.rgb = GREY
    doc.styles["Footer"].paragraph_format.tab_stops.clear_all()
    _footer(section, view.printed, settings.LAKTHAN_THAI_DIGITS)
    _insert_ordered(doc.settings.element, OxmlElement("w:embedTrueTypeFonts"), _SETTINGS_ORDER)


def _properties(doc, view: PlanView, when: datetime) -> None:
    props = doc.core_properties
    props.title = f"{h.TITLE} {view.unit} {view.fiscal_year}"
    props.subject = "แผนฉุกเฉินด้าน IT"
    props.language = "th-TH"
    props.author = view.agency
    props.last_modified_by = view.agency
    props.comments = view.printed
    props.keywords = f"{view.unit}; {view.fiscal_year}"
    props.category = h.TITLE
    props.created = props.modified = when.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    props.revision = 1


def render_plan_docx(view: PlanView, when: datetime) -> bytes:
    d = _Doc(view)
    doc = d.doc
    _setup(doc, view)
    _properties(doc, view, when)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    d.para(h.TITLE, bold=True, align=centre, size=BODY_PT + 2)
    d.para(h.SUBTITLE, bold=True, align=centre)
    d.para(view.unit + (f" {view.agency}" if view.agency != view.unit else ""), bold=True, align=centre)
    d.para(f"{view.fiscal_year} ({view.period})", align=centre)

    d.heading(h.H_PURPOSE)
    for line in view.purpose:
        d.body(line)

    d.heading(h.H_RISKS)
    if view.level_counts:
        d.body(
            f"ทะเบียนความเสี่ยงของหน่วยงานมีความเสี่ยงที่ยังไม่ปิด {view.risk_total} รายการ "
            "จำแนกตามระดับความเสี่ยงก่อนการจัดการ ดังนี้"
        )
        d.table(("ระดับความเสี่ยง", "จำนวน (รายการ)"), view.level_counts, [10, 6], {1})
        if view.high_risks:
            d.heading("ความเสี่ยงระดับสูงและการจัดการ", level=2)
            d.table(h.RISKS_HEAD, view.high_risks, [1.8, 5, 1.6, 3.2, 2.8, 2.4], {0, 2, 5})
        else:
            d.body("ไม่มีความเสี่ยงระดับสูง")
    else:
        d.body("ยังไม่มีความเสี่ยงในทะเบียนของหน่วยงาน")

    d.heading(h.H_TARGETS)
    d.body(
        "RTO คือเวลาที่ระบบต้องกลับมาให้บริการได้ RPO คือช่วงเวลาของข้อมูลที่ยอมให้สูญหายได้ และ MTD "
        "คือเวลาที่ระบบหยุดได้นานที่สุดก่อนความเสียหายจะรับไม่ได้ (ระดับความสำคัญ ๕ สูงสุด)"
    )
    rows = [(s.name, s.criticality, s.rto, s.rpo, s.mtd, s.depends_on or "-") for s in view.systems]
    if rows:
        d.table(h.TARGETS_HEAD, rows, [4.6, 1.8, 2.3, 2.3, 2.3, 2.7], {1, 2, 3, 4})
    else:
        d.body("ไม่มีระบบสารสนเทศในทะเบียนของหน่วยงาน")
    if view.missing:
        d.para("ระบบที่มีความสำคัญสูงแต่ยังไม่กำหนดเป้าหมาย: " + ", ".join(view.missing), color=RED)

    d.heading(h.H_MANUAL)
    manuals = [s for s in view.systems if s.manual]
    for s in manuals:
        d.heading(s.name, level=2)
        for line in s.manual:
            d.body(line)
    if not manuals:
        d.body("ยังไม่มีคู่มือการปฏิบัติงานด้วยมือของระบบใด")

    d.heading(h.H_SCENARIOS)
    for sc in view.scenarios:
        d.heading(f"{sc.number} {sc.title} ({sc.kind})", level=2)
        d.para("ขั้นตอนการปฏิบัติ", bold=True)
        for n, step in enumerate(sc.steps, start=1):
            number = h._d(f"{n}.")
            d.para(f"{number}\t{step}", indent=Cm(1.2), first=-Cm(0.8))
        d.para("ผู้ประสานงานและช่องทางติดต่อ", bold=True, before=2)
        d.table(h.CONTACTS_HEAD, sc.contacts, [12, 4], {1})
        paragraph = d.para(before=2)
        _run(paragraph, "สถานที่สำรอง ", bold=True)
        _run(paragraph, d.text(sc.alternate_site))
        if sc.systems:
            paragraph = d.para()
            _run(paragraph, "ระบบที่เกี่ยวข้อง ", bold=True)
            _run(paragraph, d.text(sc.systems))
    if not view.scenarios:
        d.body("ยังไม่ได้กำหนดสถานการณ์ฉุกเฉินของหน่วยงาน")

    d.heading(h.H_DRILLS)
    for drill in view.drills:
        d.heading(drill.heading, level=2)
        if drill.rows:
            d.table(h.DRILLS_HEAD, drill.rows, [3.2, 2.6, 2.6, 2.6, 2.6, 2.4], {1, 2, 3, 4, 5})
        if drill.notes:
            d.para(drill.notes, color=GREY)
    if not view.drills:
        d.body("ยังไม่มีการซ้อมแผนหรือเหตุการณ์ที่บันทึกไว้ในปีงบประมาณนี้")

    d.heading(h.H_APPROVAL)
    for i, line in enumerate(view.approval):
        paragraph = d.para(line, align=centre, indent=Emu(TEXT_WIDTH * 45 // 100), before=18 if i == 0 else 0)
        paragraph.paragraph_format.keep_with_next = i < len(view.approval) - 1

    out = io.BytesIO()
    doc.save(out)
    return _embed_fonts(
        out.getvalue(),
        report_font(),
        when,
        settings.LAKTHAN_THAI_DIGITS,
        {"docProps/app.xml": _app_properties(view)},
    )


_EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


def _app_properties(view: PlanView):
    def edit(root) -> None:
        for name, value in (("Application", f"Lakthan {lakthan.__version__}"), ("Company", view.agency)):
            element = root.find(f"{_EXTENDED}{name}")
            if element is not None:
                element.text = value
        version = root.find(f"{_EXTENDED}AppVersion")
        if version is not None:
            root.remove(version)

    return edit
