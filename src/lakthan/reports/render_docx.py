"""The report as an editable DOCX (python-docx), the same view and order as the HTML/PDF.

Thai is a complex script for Word: it takes the w:cs font, w:szCs size, w:bCs bold and the
w:lang w:bidi language, not the ascii ones, so every run property is set for both. Runs name TH
SarabunPSK at its official sizes, and the file embeds the report font rescaled and named so
(fonts.official_font_bytes): Word and LibreOffice draw it where TH SarabunPSK is not installed.

The same context gives the same bytes: the document's dates (core properties and every zip entry's
time) are the context's generated_at — for a signed report, the signature's time — and the fonts'
obfuscation keys are derived from the font files, not drawn at random.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from lxml import etree

import lakthan
from lakthan.lib.thai import digits
from lakthan.lib.timezones import BANGKOK
from lakthan.reports import keep_whole
from lakthan.reports import render_html as view_text
from lakthan.reports.context import ReportContext
from lakthan.reports.fonts import (
    BODY_PT,
    MARGIN_CM,
    OFFICIAL_FAMILY,
    THAI_DIGITS_FAMILY,
    FontFamily,
    official_font_bytes,
    report_font,
)
from lakthan.reports.render_html import proper_names, report_view

RED = RGBColor(0xB9, 0x1C, 0x1C)
GREY = RGBColor(0x44, 0x44, 0x44)
HANG = Cm(1.2)  # hanging indent of numbered lines ("๓๕." in bold needs ~1 cm)
BULLET_INDENT = Cm(1.8)
TEXT_WIDTH = Cm(21 - MARGIN_CM["left"] - MARGIN_CM["right"])  # 16 cm: A4 less the official margins
FOOTER_PT = view_text.FOOTER_PT
HEAD_PT = BODY_PT - 2  # table headers, as in the HTML (0.9em)
# Schema order of w:rPr children (CT_RPr); Word rejects a file whose children are out of order.
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
_SETTINGS_ORDER = (
    "writeProtection view zoom removePersonalInformation removeDateAndTime "
    "doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText "
    "printFractionalCharacterWidth printFormsData embedTrueTypeFonts"
).split()


def render_docx(ctx: ReportContext) -> bytes:
    if ctx.generated_at is None:
        ctx = dataclasses.replace(ctx, generated_at=datetime.now(UTC))
    assert ctx.generated_at is not None
    # what XML cannot hold (control characters a client may have typed) is left out, not a failure
    ctx = dataclasses.replace(
        ctx,
        **{
            f.name: xml_text(v) for f in dataclasses.fields(ctx) if isinstance(v := getattr(ctx, f.name), str)
        },
    )
    plain = _each_string(report_view(ctx), xml_text)  # the document's properties: no no-break marks
    names = proper_names(ctx)
    view = _each_string(plain, lambda text: keep_whole.docx_text(text, names))
    font = report_font()
    doc = Document()
    _setup(doc, font, ctx, view)
    _core_properties(doc, ctx, plain)
    _body(doc, view)
    out = io.BytesIO()
    doc.save(out)
    return _embed_fonts(
        out.getvalue(),
        font,
        ctx.generated_at,
        ctx.thai_digits,
        {"docProps/app.xml": _app_properties(ctx, plain)},
    )


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def _each_string(value, edit: Callable[[str], str]):
    """The view with every string through ``edit`` (no-break spaces and word joiners in the phrases a
    line must not break, say)."""
    if isinstance(value, str):
        return edit(value)
    if isinstance(value, dict):
        return {k: v if k == "created" else _each_string(v, edit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_each_string(v, edit) for v in value)
    return value


# --- document set-up ---------------------------------------------------------------------------


def _setup(doc, font: FontFamily, ctx: ReportContext, view: dict) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(MARGIN_CM["top"]), Cm(MARGIN_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGIN_CM["left"]), Cm(MARGIN_CM["right"])
    section.header_distance = section.footer_distance = Cm(1.2)

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
        _thai_rpr(rpr_default.find(qn("w:rPr")), OFFICIAL_FAMILY, BODY_PT)
    normal = doc.styles["Normal"]
    _thai_rpr(normal.element.get_or_add_rPr(), OFFICIAL_FAMILY, BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, size in (("Header", BODY_PT), ("Footer", FOOTER_PT)):
        _thai_rpr(doc.styles[name].element.get_or_add_rPr(), OFFICIAL_FAMILY, size)
    doc.styles["Footer"].font.color.rgb = GREY
    doc.styles["Footer"].paragraph_format.tab_stops.clear_all()  # the template's centre stop

    _header(section, ctx, OFFICIAL_FAMILY)
    _footer(section, view["generated"], ctx.thai_digits)
    # Tells Word the file carries its fonts (added to the package by _embed_fonts).
    _insert_ordered(doc.settings.element, OxmlElement("w:embedTrueTypeFonts"), _SETTINGS_ORDER)


def document_title(ctx: ReportContext, view: dict) -> str:
    """รายงานผลการปฏิบัติราชการ… (รายตัวชี้วัด) ตัวชี้วัดที่ ๙.๒ รอบ ๑๒ เดือน ปีงบประมาณ พ.ศ. ๒๕๕๖"""
    indicator = digits(f"ตัวชี้วัดที่ {ctx.indicator_code}", thai=ctx.thai_digits)
    return f"{view_text.TITLE} {view_text.SUBTITLE} {indicator} {view['round']} {view['fiscal_year']}"


def _core_properties(doc, ctx: ReportContext, view: dict) -> None:
    """Every core property from the report: none is left as the template had it (its author
    "python-docx", its comment, its 2013 dates)."""
    props = doc.core_properties
    props.title = document_title(ctx, view)
    props.subject = view["indicator"]
    props.language = "th-TH"
    props.author = ctx.agency_th
    props.last_modified_by = (ctx.signed_by if ctx.signed else ctx.supervisor) or ctx.agency_th
    props.comments = view["generated"]
    props.keywords = digits(f"ตัวชี้วัด {ctx.indicator_code}; ปีงบประมาณ {ctx.fiscal_year}", thai=ctx.thai_digits)
    props.category = "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ"
    # python-docx writes these as UTC without converting: hand it naive UTC
    assert ctx.generated_at is not None
    stamp = ctx.generated_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = stamp  # never printed: no last_printed date
    props.revision = 1
    # The template's thumbnail is a blank page: Word and file managers would show it as the report's.
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)


_EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


def _app_properties(ctx: ReportContext, view: dict):
    """docProps/app.xml: this program, the agency, the title (the template says Microsoft Word 2010)."""

    def edit(root) -> None:
        values = {
            "Application": f"Lakthan {lakthan.__version__}",
            "Company": ctx.agency_th,
            "Template": "",
        }
        for name, value in values.items():
            element = root.find(f"{_EXTENDED}{name}")
            if element is not None:
                element.text = value or None
        version = root.find(f"{_EXTENDED}AppVersion")
        if version is not None:  # Word's own version number: not ours to claim
            root.remove(version)
        for title in root.iter(f"{_VT}lpstr"):
            if title.getparent().getparent().tag == f"{_EXTENDED}TitlesOfParts":
                title.text = document_title(ctx, view)

    return edit


def _insert_ordered(parent, element, order: list[str]) -> None:
    """Insert `element` after the children the schema puts before it (Word rejects a wrong order)."""
    earlier = {qn(f"w:{t}") for t in order[: order.index(element.tag.split("}")[1])]}
    successor = next((child for child in parent if child.tag not in earlier), None)
    parent.append(element) if successor is None else successor.addprevious(element)


def _set_rpr(rpr, tag: str, **attrs: str) -> None:
    """Set one w:rPr child, replacing any existing one."""
    for old in rpr.findall(qn(f"w:{tag}")):
        rpr.remove(old)
    _insert_ordered(rpr, OxmlElement(f"w:{tag}", {qn(f"w:{k}"): v for k, v in attrs.items()}), _RPR_ORDER)


def _thai_rpr(rpr, family: str, size_pt: float) -> None:
    _set_rpr(rpr, "rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family, hint="cs")
    half_points = str(round(size_pt * 2))
    _set_rpr(rpr, "sz", val=half_points)
    _set_rpr(rpr, "szCs", val=half_points)
    _set_rpr(rpr, "lang", val="th-TH", eastAsia="th-TH", bidi="th-TH")


def _run(paragraph, text: str, *, bold=False, size: float | None = None, color: RGBColor | None = None):
    run = paragraph.add_run(text)
    rpr = run._r.get_or_add_rPr()
    if bold:
        _set_rpr(rpr, "b")
        _set_rpr(rpr, "bCs")
    if size:
        _set_rpr(rpr, "sz", val=str(round(size * 2)))
        _set_rpr(rpr, "szCs", val=str(round(size * 2)))
    if color is not None:
        run.font.color.rgb = color
    return run


# --- header (draft mark) and footer (generated, page number) ---------------------------------------

_WATERMARK = """
<w:r %(ns)s><w:rPr><w:noProof/></w:rPr><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">
<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>
<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/>
<v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>
<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s1025" type="#_x0000_t136" o:allowincell="f"
 fillcolor="#b91c1c" stroked="f"
 style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:140pt;rotation:315;z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin">
<v:fill opacity=".15"/>
<v:textpath style="font-family:&quot;%(family)s&quot;;font-size:1pt;font-weight:bold" string="%(text)s"/>
</v:shape></w:pict></w:r>"""
_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)


def _header(section, ctx: ReportContext, family: str) -> None:
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if ctx.signed:
        return
    _run(paragraph, view_text.DRAFT, bold=True, size=BODY_PT, color=RED)  # as the PDF's page mark
    paragraph._p.append(parse_xml(_WATERMARK % {"ns": _NS, "family": family, "text": view_text.DRAFT}))


def _draft_banner(paragraph) -> None:
    """The banner boxed in red, as the HTML and PDF draw it."""
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        borders.append(
            OxmlElement(
                f"w:{side}",
                {qn("w:val"): "single", qn("w:sz"): "12", qn("w:space"): "1", qn("w:color"): "B91C1C"},
            )
        )
    ppr = paragraph._p.get_or_add_pPr()
    # CT_PPr order: pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr …
    successor = next(
        (c for c in ppr if c.tag in {qn(f"w:{t}") for t in ("shd", "tabs", "spacing", "ind", "jc")}), None
    )
    ppr.append(borders) if successor is None else successor.addprevious(borders)


def _field(paragraph, instruction: str, placeholder: str, *, font: str | None = None) -> None:
    """A Word field (PAGE, NUMPAGES); its runs in `font` when given."""

    def run():
        r = paragraph.add_run()
        if font:
            _set_rpr(r._r.get_or_add_rPr(), "rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font)
        return r

    def char(kind: str):
        run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run()._r.append(instr)
    char("separate")
    run().text = placeholder
    char("end")


def _footer(section, generated: str, thai: bool) -> None:
    """ "จัดทำเมื่อ …" left, "หน้า ๑/๕" right. Word writes Thai digits for PAGE \\* ThaiArabic, but
    LibreOffice reads that switch as Thai letters (ก/ค); so the numbers are plain fields drawn in
    THAI_DIGITS_FAMILY, the report font with Thai digit shapes for 0–9 (embedded with it)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(f"{generated}\tหน้า ")
    digits_font = THAI_DIGITS_FAMILY if thai else None
    _field(paragraph, "PAGE", digits("1", thai=thai), font=digits_font)
    paragraph.add_run("/")
    _field(paragraph, "NUMPAGES", digits("1", thai=thai), font=digits_font)


# --- body ---------------------------------------------------------------------------------------


def _para(
    doc,
    text: str = "",
    *,
    bold=False,
    align=None,
    indent=None,
    hanging=None,
    before=0,
    size=None,
    color=None,
    keep_next=False,
):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        fmt.left_indent = indent
    if hanging is not None:
        fmt.first_line_indent = -hanging
        fmt.tab_stops.add_tab_stop(indent)
    fmt.space_before = Pt(before)
    fmt.keep_with_next = keep_next
    if text:
        _run(paragraph, text, bold=bold, size=size, color=color)
    return paragraph


def _heading(doc, text: str) -> None:
    _para(doc, text, bold=True, before=8, keep_next=True)


def _numbered(doc, items) -> None:
    for number, text in items:
        _para(doc, f"{number}\t{text}", indent=HANG, hanging=HANG)


def _bullets(doc, items) -> None:
    for text in items:
        _para(doc, f"•\t{text}", indent=BULLET_INDENT, hanging=Cm(0.6))


def _body(doc, v: dict) -> None:
    _para(doc, v["title"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=BODY_PT + 2)
    _para(doc, v["subtitle"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=BODY_PT + 2)
    _para(doc, f"{v['round']} {v['fiscal_year']}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=4)
    _para(doc, f"({v['period']})", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, " ".join(x for x in (v["agency"], v["unit"]) if x), align=WD_ALIGN_PARAGRAPH.CENTER)
    if not v["signed"]:
        _draft_banner(
            _para(
                doc,
                f"{view_text.DRAFT} — ยังไม่ได้ลงนามรับรอง",
                bold=True,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                color=RED,
                before=4,
            )
        )

    indicator = v["indicator"] + (f"\n(ตัวชี้วัดที่ {v['parent_indicator']})" if v["parent_indicator"] else "")
    _fields_table(
        doc,
        [
            ("ตัวชี้วัดที่ :", indicator),
            ("ผู้กำกับดูแลตัวชี้วัด :", v["supervisor"]),
            ("ผู้จัดเก็บข้อมูล :", "\n".join(f"{n} {name}" for n, name in v["collectors"])),
        ]
        + [("โทรศัพท์ :", phone) for phone in v["phones"]],
    )

    h = view_text
    _heading(doc, h.H_CRITERIA)
    for c in v["criteria"]:
        paragraph = _para(doc, indent=HANG, hanging=HANG, before=3, keep_next=True)
        _run(paragraph, f"{c['number']}\t{c['title']}", bold=True)
        _bullets(doc, c["explanation"])
        for finding in c["findings"]:
            _para(doc, f"ผลการตรวจสอบโดยระบบ — {finding}", indent=BULLET_INDENT, size=BODY_PT - 3, color=GREY)
        if c["refs"]:
            _para(doc, f"หลักฐานอ้างอิง ข้อ {c['refs']}", indent=BULLET_INDENT, size=BODY_PT - 3, color=GREY)

    _heading(doc, h.H_SCORING)
    _para(doc, v["scoring_intro"], keep_next=True)
    _scoring_table(doc, v)
    if v["scoring_note"]:
        paragraph = _para(doc, before=4, keep_next=True)
        _run(paragraph, h.H_NOTE, bold=True)
        _run(paragraph, " เกณฑ์การให้คะแนน คือ")
        for line in v["scoring_note"]:
            _para(doc, line, indent=BULLET_INDENT)

    _heading(doc, h.H_CALC)
    _calc_table(doc, v)

    _heading(doc, h.H_ACTIONS)
    _numbered(doc, v["actions"])
    _heading(doc, h.H_SUPPORT)
    _bullets(doc, v["supporting"])
    for heading, key in ((h.H_OBSTACLES, "obstacles"), (h.H_SUGGESTIONS, "suggestions")):
        _heading(doc, heading)
        if v[key]:
            _bullets(doc, v[key])
        else:
            _para(doc, v[f"no_{key}"], indent=BULLET_INDENT)  # "-" / "ไม่มี" as in the seed
    _heading(doc, h.H_EVIDENCE)
    _numbered(doc, v["evidence"])

    _signature(doc, v)


def _signature(doc, v: dict) -> None:
    """The signature block, centred in the right part of the page, kept together on one page."""
    lines = v["signature"] + ([v["signoff"]] if v["signed"] else [])
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # never a page with the block alone
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        small = v["signed"] and last
        paragraph = _para(
            doc,
            line,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=Emu(TEXT_WIDTH * 35 // 100),
            before=24 if i == 0 else (4 if small else 0),
            keep_next=not last,
            size=BODY_PT - 3 if small else None,
            color=GREY if small else None,
        )
        paragraph.paragraph_format.keep_together = True


# --- tables -------------------------------------------------------------------------------------


def _cell(cell, text: str, *, bold=False, center=False, size: float | None = None) -> None:
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, line, bold=bold, size=size)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def _fields_table(doc, rows) -> None:
    table = doc.add_table(rows=len(rows), cols=2)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell(row.cells[0], label, bold=True)
        _cell(row.cells[1], value)
        row.cells[0].vertical_alignment = row.cells[1].vertical_alignment = WD_ALIGN_VERTICAL.TOP
    _set_widths(table, [Cm(5.2), TEXT_WIDTH - Cm(5.2)])


def _repeat_header(row) -> None:
    """Repeat the row on every page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _grid(doc, rows: int, widths: list) -> object:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    _set_widths(table, widths)
    for row in table.rows:  # a row never splits across pages (the PDF's break-inside: avoid)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


def _set_widths(table, widths: list) -> None:
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _scoring_table(doc, v: dict) -> None:
    levels = v["levels"]
    level_width = Emu((TEXT_WIDTH - Cm(7.1) - Cm(2.3)) // len(levels))
    widths = [Cm(7.1), Cm(2.3)] + [level_width] * len(levels)
    table = _grid(doc, 3, widths)
    head, sub, body = table.rows
    _cell(head.cells[0].merge(sub.cells[0]), view_text.SCORING_HEAD[0], bold=True, center=True, size=HEAD_PT)
    _cell(head.cells[1].merge(sub.cells[1]), view_text.SCORING_HEAD[1], bold=True, center=True, size=HEAD_PT)
    _cell(
        head.cells[2].merge(head.cells[-1]), view_text.SCORING_HEAD[2], bold=True, center=True, size=HEAD_PT
    )
    for cell, n in zip(sub.cells[2:], levels, strict=True):
        _cell(cell, n, bold=True, center=True, size=HEAD_PT)
    row = v["scoring_row"]
    _cell(body.cells[0], f"{row['name']} {row['total']}")
    _cell(body.cells[1], row["weight"], center=True)
    for cell, label in zip(body.cells[2:], row["labels"], strict=True):
        _cell(cell, label, center=True)
    for r in (head, sub):
        _repeat_header(r)


def _calc_table(doc, v: dict) -> None:
    widths = [Cm(5.0), Cm(2.2), Cm(2.9), Cm(2.7), Cm(3.2)]  # 16 cm
    table = _grid(doc, 2, widths)
    head, body = table.rows
    for cell, text in zip(head.cells, view_text.CALC_HEAD, strict=True):
        _cell(cell, text, bold=True, center=True, size=HEAD_PT)
    row = v["calc_row"]
    _cell(body.cells[0], row["name"])
    for cell, key in zip(body.cells[1:], ("weight", "result", "score", "weighted"), strict=True):
        _cell(cell, row[key], center=True)
    _repeat_header(head)


# --- font embedding -----------------------------------------------------------------------------

_FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
_FONT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_FONT_TABLE_RELS = "word/_rels/fontTable.xml.rels"


def _obfuscate(data: bytes, key: uuid.UUID) -> bytes:
    """ECMA-376 font obfuscation: XOR the first 32 bytes with the GUID's bytes read right to left."""
    mask = key.bytes[::-1]
    return bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def _xml(data: bytes, edit) -> bytes:
    root = etree.fromstring(data)
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _font_key(data: bytes) -> uuid.UUID:
    """The obfuscation GUID of a font file: any GUID will do (ECMA-376), this one is the same each time."""
    return uuid.UUID(bytes=hashlib.sha256(data).digest()[:16], version=4)


def _embed_fonts(
    docx: bytes, font: FontFamily, when: datetime, thai_digits: bool, edits: dict | None = None
) -> bytes:
    """Add the regular and bold font files to the package, as Word's "Embed fonts in the file" does,
    and the page numbers' Thai-digit font when the report has Thai digits; every entry is rewritten
    with the time `when` (in Bangkok: zip times have no zone), and the XML parts named in `edits`
    through their editor."""
    families = [(OFFICIAL_FAMILY, [("Regular", font.regular), ("Bold", font.bold)])]
    if thai_digits:
        families.append((THAI_DIGITS_FAMILY, [("Regular", font.regular)]))
    fonts: dict[str, bytes] = {}
    rels: list[tuple[str, str]] = []
    entries: list = []
    for family, files in families:
        entry = OxmlElement("w:font")
        entry.set(qn("w:name"), family)
        for tag, value in (("charset", "DE"), ("family", "swiss"), ("pitch", "variable")):
            entry.append(OxmlElement(f"w:{tag}", {qn("w:val"): value}))
        for kind, path in files:
            n = len(fonts) + 1
            data = official_font_bytes(path, kind, family)
            key = _font_key(data)
            fonts[f"word/fonts/font{n}.odttf"] = _obfuscate(data, key)
            rels.append((f"rIdLakthanFont{n}", f"fonts/font{n}.odttf"))
            entry.append(
                OxmlElement(
                    f"w:embed{kind}",
                    {qn("r:id"): f"rIdLakthanFont{n}", qn("w:fontKey"): f"{{{str(key).upper()}}}"},
                )
            )
        entries.append(entry)

    def font_table(root) -> None:
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) in {family for family, _ in families}:
                root.remove(old)
        root.extend(entries)

    def relationships(root) -> None:
        for rid, target in rels:
            etree.SubElement(root, f"{_RELS}Relationship", Id=rid, Type=_FONT_REL, Target=target)

    def content_types(root) -> None:
        etree.SubElement(root, f"{_TYPES}Default", Extension="odttf", ContentType=_FONT_TYPE)

    date_time = when.astimezone(BANGKOK).timetuple()[:6]

    def entry_info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=date_time)
        info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
        return info

    source = zipfile.ZipFile(io.BytesIO(docx))
    names = set(source.namelist())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            edit = {
                "word/fontTable.xml": font_table,
                _FONT_TABLE_RELS: relationships,
                "[Content_Types].xml": content_types,
                **(edits or {}),
            }.get(item.filename)
            target.writestr(entry_info(item.filename), _xml(data, edit) if edit else data)
        if _FONT_TABLE_RELS not in names:
            empty = f'<Relationships xmlns="{_RELS[1:-1]}"/>'.encode()
            target.writestr(entry_info(_FONT_TABLE_RELS), _xml(empty, relationships))
        for name, data in fonts.items():
            target.writestr(entry_info(name), data)
    return out.getvalue()
