"""The report in HTML, PDF and DOCX: the seed's sections in order, Thai digits, draft mark, fonts.

PDF text is read with poppler's pdftotext and compared after NFKD: the PDF's text layer gives ำ as
its compatibility decomposition ํ + า (see render_pdf._fix_text_layer).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from functools import cache

import docx
import pytest
from docx.oxml.ns import qn
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize

from lakthan.reports import render_html as h
from lakthan.reports.fonts import OFFICIAL_FAMILY, report_font
from lakthan.reports.keep_whole import plain
from lakthan.reports.render_docx import render_docx
from lakthan.reports.render_html import render_html
from lakthan.reports.render_pdf import render_pdf, render_pdf_from_html

SECTIONS = [
    h.TITLE,
    h.H_CRITERIA,
    h.H_SCORING,
    h.H_NOTE,
    h.H_CALC,
    h.H_ACTIONS,
    h.H_SUPPORT,
    h.H_OBSTACLES,
    h.H_SUGGESTIONS,
    h.H_EVIDENCE,
]
INDICATOR = "๙.๒ จำนวนข้อมูลเชิงประจักษ์ด้านประสิทธิภาพของระบบสารสนเทศ"
THAI_NUMBERS = ["๑", "๒", "๓", "๔", "๕", "๖", "๗", "๘", "๙", "๑๐"]
REFERENCES = [
    "คำสั่ง สตม. แต่งตั้งคณะทำงานเตรียมความพร้อม",
    "ที่ ๑/๒๕๕๖ ลง ๑๑ ก.ค. ๒๕๕๖",
    "ที่ ๐๐๒๙.๙๓/๑๔๖๑ ลง ๕ ส.ค. ๒๕๕๖",
    "ภาพการกำหนด IP address ของระบบสารสนเทศ สตม.",
    "ที่ ๐๐๒๙.๙๓/๑๘๒๒ ลง ๑๘ ก.ย. ๒๕๕๖",
]
SIGNOFF = "ลงนามรับรองโดย พ.ต.อ. ประเสริฐ  รักงาน เมื่อ ๒๕ ก.ย. ๒๕๕๖ ๐๙:๐๐ น."


def nfkd(text: str) -> str:
    return unicodedata.normalize("NFKD", text)


def flat(text: str) -> str:
    """Without whitespace: a PDF line may end anywhere between two Thai words."""
    return re.sub(r"\s+", "", nfkd(text))


def assert_in_order(text: str, needles: list[str], *, norm=nfkd) -> None:
    positions = [norm(text).find(norm(n)) for n in needles]
    missing = [n for n, p in zip(needles, positions, strict=True) if p < 0]
    assert not missing, f"missing: {missing}"
    assert positions == sorted(positions), "sections out of the seed's order"


def assert_contains(text: str, *needles: str, norm=nfkd) -> None:
    missing = [n for n in needles if norm(n) not in norm(text)]
    assert not missing, f"missing: {missing}"


def pdf_text(pdf: bytes) -> str:
    # -raw keeps content order: poppler's layout mode puts raised Thai tone marks on a line of their own.
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def visible_html_text(page: str) -> str:
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    body = re.sub(r'<span class="nw">(.*?)</span>', r"\1", body)  # a phrase kept on one line
    return re.sub(r"<[^>]+>", " ", body)


def docx_text(data: bytes) -> str:
    """The text as a reader searches it: without the no-break marks of keep_whole."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return plain("\n".join(parts))


def docx_header_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return plain("\n".join(p.text for s in document.sections for p in s.header.paragraphs))


@pytest.fixture(scope="module")
def draft_pdf(make_ctx) -> bytes:
    return render_pdf(make_ctx())


@pytest.fixture(scope="module")
def draft_docx(make_ctx) -> bytes:
    return render_docx(make_ctx())


# --- HTML ---------------------------------------------------------------------------------------


def test_html_is_a_standalone_thai_page_in_the_seeds_order(make_ctx):
    page = render_html(make_ctx())
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="th">' in page
    assert "<script" not in page  # the CSP forbids inline script
    assert not re.search(r"""(src|href)\s*=|url\(|@import""", page), "no external assets"
    assert_in_order(visible_html_text(page), [*SECTIONS, *REFERENCES[2:4]])
    assert_contains(
        visible_html_text(page),
        INDICATOR,
        "๐.๑๕",
        "รอบ ๑๒ เดือน ปีงบประมาณ พ.ศ. ๒๕๕๖",
        "(๑ ต.ค. ๒๕๕๕ – ๓๐ ก.ย. ๒๕๕๖)",
        "พ.ต.ท.หญิง สมศรี  ใจดี",
        "๑. ร.ต.ท.สมชาย  มั่นคง",
        "๒. ร.ต.ท.วีระ  กล้าหาญ",
        "๐ ๒๒๘๗ ๓๑๐๑-๑๐ ต่อ ๒๒๔๒",
        "๑๐ ข้อ",
        "≥๕",
    )


def test_html_draft_banner_only_until_signed(make_ctx):
    draft = render_html(make_ctx())
    signed = render_html(make_ctx(signed=True))
    assert 'class="draft-banner"' in draft and "ฉบับร่าง" in visible_html_text(draft)
    assert "ฉบับร่าง" not in signed and SIGNOFF not in visible_html_text(draft)
    assert SIGNOFF in visible_html_text(signed)


@pytest.mark.parametrize("thai", [True, False])
def test_html_every_digit_follows_the_setting(make_ctx, thai):
    text = visible_html_text(render_html(make_ctx(thai_digits=thai)))
    if thai:
        assert not re.search(r"[0-9]", text), re.findall(r".{10}[0-9].{10}", text)[:3]
        assert_contains(text, "๙.๒", "๐.๑๕")
    else:
        assert not re.search(r"[๐-๙]", text), re.findall(r".{10}[๐-๙].{10}", text)[:3]
        assert_contains(text, "9.2 จำนวนข้อมูล", "0.15", "30 ก.ย. 2556", "ที่ 0029.93/1461 ลง 5 ส.ค. 2556")


def test_html_escapes_data(make_ctx):
    page = render_html(make_ctx(indicator_name="<script>alert(1)</script>"))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_html_placeholders_for_no_obstacles_or_suggestions(make_ctx):
    empty = render_html(make_ctx())
    assert '<p class="none">-</p>' in empty and '<p class="none">ไม่มี</p>' in empty
    filled = render_html(make_ctx(obstacles=["งบประมาณไม่เพียงพอ"], suggestions=["ควรจัดอบรมเพิ่ม"]))
    assert 'class="none"' not in filled
    assert_in_order(filled, [h.H_OBSTACLES, "งบประมาณไม่เพียงพอ", h.H_SUGGESTIONS, "ควรจัดอบรมเพิ่ม"])


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_text_has_the_sections_numbers_and_references(draft_pdf):
    text = pdf_text(draft_pdf)
    assert_in_order(text, SECTIONS + REFERENCES, norm=flat)
    assert_contains(
        text,
        INDICATOR,
        "๐.๑๕",
        "รอบ ๑๒ เดือน ปีงบประมาณ พ.ศ. ๒๕๕๖",
        "สำนักงานตรวจคนเข้าเมือง",
        "จัดทำเมื่อ ๒๐ ก.ย. ๒๕๕๖ ๑๐:๓๐ น.",
        norm=flat,
    )
    lines = [line.strip() for line in nfkd(text).splitlines()]
    for n in THAI_NUMBERS:  # every criterion, numbered
        assert any(line.startswith(f"{n}. มี") for line in lines), f"criterion {n}"
    pages = int(
        subprocess.run(["pdfinfo", "-"], input=draft_pdf, capture_output=True, check=True)
        .stdout.decode()
        .split("Pages:")[1]
        .split()[0]
    )
    thai_pages = "".join("๐๑๒๓๔๕๖๗๘๙"[int(c)] for c in str(pages))
    assert f"หน้า ๑/{thai_pages}" in text and f"หน้า {thai_pages}/{thai_pages}" in text


def test_pdf_is_a4_with_the_report_font_embedded(draft_pdf):
    info = subprocess.run(["pdfinfo", "-"], input=draft_pdf, capture_output=True, check=True).stdout.decode()
    assert "(A4)" in info
    fonts = subprocess.run(
        ["pdffonts", "-"], input=draft_pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and all(report_font().family in row for row in rows), fonts
    assert all(row.split()[-5] == "yes" for row in rows), fonts  # the emb column


def test_pdf_text_layer_gives_the_thai_that_was_written(draft_pdf):
    # WeasyPrint alone extracts these as "สำนักงำน…", "น…" (lost tone mark), "ดำเนินกำร".
    assert_contains(
        pdf_text(draft_pdf),
        "สำนักงานตรวจคนเข้าเมือง",
        "ไฟไหม้ น้ำท่วม แผ่นดินไหว",
        "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ",
        norm=flat,
    )


def test_pdf_draft_mark_only_until_signed(draft_pdf, make_ctx):
    signed = pdf_text(render_pdf(make_ctx(signed=True)))
    assert "ฉบับร่าง" in pdf_text(draft_pdf)
    assert "ฉบับร่าง" not in signed
    assert_contains(signed, SIGNOFF, norm=flat)


def test_pdf_arabic_digits_when_thai_digits_is_off(make_ctx):
    text = pdf_text(render_pdf(make_ctx(thai_digits=False)))
    assert not re.search(r"[๐-๙]", text), re.findall(r".{10}[๐-๙].{10}", text)[:3]
    assert_contains(text, "9.2 จำนวนข้อมูล", "0.15", "หน้า 1/", "ที่ 0029.93/1461 ลง 5 ส.ค. 2556", norm=flat)


def test_render_pdf_from_html_provides_the_report_font():
    family = report_font().family
    pdf = render_pdf_from_html(f'<html lang="th"><body style="font-family: {family}">ดัชนีหลักฐาน</body></html>')
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert family in fonts
    assert_contains(pdf_text(pdf), "ดัชนีหลักฐาน")


# --- Thai line breaking -------------------------------------------------------------------------


@cache
def _dictionary() -> frozenset[str]:
    return frozenset(nfkd(w) for w in thai_words())


@cache
def _segmentable(text: str) -> bool:
    """Can `text` be cut into dictionary words?"""
    words = _dictionary()
    return not text or any(
        text[:k] in words and _segmentable(text[k:]) for k in range(1, min(len(text), 40) + 1)
    )


def mid_word_breaks(source: str, lines: list[str]) -> list[str]:
    """Line ends that split a word. A break inside a tokenizer token is allowed only where the token
    is a compound of dictionary words (ส่วน|ราชการ), never inside one (ราช|การ is fine, รา|ชการ not)."""
    flat = nfkd(source).replace(" ", "")
    assert "".join(lines) == flat, "the PDF lost or changed text"
    spans, pos = [], 0
    for token in word_tokenize(source, keep_whitespace=False):
        token = nfkd(token).replace(" ", "")
        spans.append((pos, pos + len(token)))
        pos += len(token)
    bad, end = [], 0
    for line in lines[:-1]:
        end += len(line)
        for a, b in spans:
            if a < end < b and not (_segmentable(flat[a:end]) and _segmentable(flat[end:b])):
                bad.append(f"{flat[a:end]}|{flat[end:b]}")
    return bad


def _rendered_lines(paragraph: str, width: str) -> list[str]:
    family = report_font().family
    page = (
        f'<html lang="th"><body style="font-family: {family}; font-size: 14pt; width: {width}">'
        f"<p>{paragraph}</p></body></html>"
    )
    text = pdf_text(render_pdf_from_html(page))
    return [nfkd(line).replace(" ", "").replace("\u200b", "") for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def long_thai(make_ctx) -> str:
    ctx = make_ctx()
    return " ".join([e for c in ctx.criteria for e in c.explanation] + ctx.actions_taken)


@pytest.mark.parametrize("width", ["5cm", "9cm"])
def test_pdf_breaks_thai_lines_between_words(long_thai, width):
    lines = _rendered_lines(long_thai, width)
    assert len(lines) > 50
    assert mid_word_breaks(long_thai, lines) == []


def test_mid_word_break_check_catches_character_wrapping(long_thai):
    # A zero-width space before every character but a combining mark (so each syllable's marks stay on
    # its base) lets the line breaker cut anywhere: the check must see it.
    anywhere = "".join(c if unicodedata.category(c) == "Mn" else "\u200b" + c for c in long_thai)
    lines = _rendered_lines(anywhere, "5cm")
    assert len(mid_word_breaks(long_thai, lines)) > 10


# --- DOCX ---------------------------------------------------------------------------------------


def test_docx_has_the_sections_tables_and_references(draft_docx):
    document = docx.Document(io.BytesIO(draft_docx))
    text = docx_text(draft_docx)
    body = plain("\n".join(p.text for p in document.paragraphs))
    assert_in_order(body, SECTIONS + REFERENCES)
    assert_contains(
        text,
        INDICATOR,
        "๐.๑๕",
        "รอบ ๑๒ เดือน ปีงบประมาณ พ.ศ. ๒๕๕๖",
        "พ.ต.ท.หญิง สมศรี  ใจดี",
        "๑. ร.ต.ท.สมชาย  มั่นคง",
        "๐ ๒๒๘๗ ๓๑๐๑-๑๐ ต่อ ๒๒๔๒",
    )
    starts = [plain(p.text).split("\t")[0] for p in document.paragraphs if "\t" in p.text]
    for n in THAI_NUMBERS:
        assert f"{n}." in starts, f"criterion {n}"

    fields, scoring, calc = document.tables
    scoring_rows = [[plain(c.text) for c in row.cells] for row in scoring.rows]
    assert scoring_rows[0][:3] == ["การประเมิน", "น้ำหนัก", "เกณฑ์การให้คะแนน"]
    assert scoring_rows[1][2:] == ["๑", "๒", "๓", "๔", "๕"]
    assert scoring_rows[2] == [f"{INDICATOR} ๑๐ ข้อ", "๓", "๑", "๒", "๓", "๔", "≥๕"]
    calc_rows = [[plain(c.text) for c in row.cells] for row in calc.rows]
    assert calc_rows[0][1] == "น้ำหนัก\n(ร้อยละ)"
    assert calc_rows[1] == [INDICATOR, "๓", "๕", "๕", "๐.๑๕"]


def test_docx_thai_is_set_as_complex_script(draft_docx):
    document = docx.Document(io.BytesIO(draft_docx))
    rpr = document.styles["Normal"].element.rPr
    fonts = rpr.find(qn("w:rFonts"))
    family = OFFICIAL_FAMILY
    assert fonts.get(qn("w:cs")) == fonts.get(qn("w:ascii")) == family
    assert fonts.get(qn("w:hint")) == "cs"
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == rpr.find(qn("w:szCs")).get(qn("w:val")) == "32"  # 16 pt
    assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    runs = document.element.body.iter(qn("w:r"))
    bold = [r for r in runs if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None]
    assert bold and all(r.find(f"{qn('w:rPr')}/{qn('w:bCs')}") is not None for r in bold)


def test_docx_draft_mark_only_until_signed(draft_docx, make_ctx):
    signed = render_docx(make_ctx(signed=True))
    assert "ฉบับร่าง" in docx_header_text(draft_docx)
    assert 'string="ฉบับร่าง"' in zipfile.ZipFile(io.BytesIO(draft_docx)).read("word/header1.xml").decode()
    assert "ฉบับร่าง" not in docx_header_text(signed) + docx_text(signed)
    assert SIGNOFF in docx_text(signed) and SIGNOFF not in docx_text(draft_docx)


def test_docx_arabic_digits_when_thai_digits_is_off(make_ctx):
    text = docx_text(render_docx(make_ctx(thai_digits=False)))
    assert not re.search(r"[๐-๙]", text), re.findall(r".{10}[๐-๙].{10}", text)[:3]
    assert_contains(text, "9.2 จำนวนข้อมูล", "0.15", "ที่ 0029.93/1461 ลง 5 ส.ค. 2556")


def test_docx_embeds_the_report_font(draft_docx):
    package = zipfile.ZipFile(io.BytesIO(draft_docx))
    font_table = package.read("word/fontTable.xml").decode()
    family = OFFICIAL_FAMILY
    entry = re.search(rf'<w:font w:name="{family}">.*?</w:font>', font_table, re.S)
    assert entry and "w:embedRegular" in entry[0] and "w:embedBold" in entry[0]
    assert "<w:embedTrueTypeFonts/>" in package.read("word/settings.xml").decode()
    # regular, bold, and the page numbers' Thai-digit font
    assert len([n for n in package.namelist() if n.endswith(".odttf")]) == 3


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_docx_opens_in_libreoffice_with_its_embedded_font(draft_docx, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(draft_docx)
    profile = (tmp_path / "profile").as_uri()  # a private profile: other soffice runs may be going on
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr.decode()
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert_in_order(pdf_text(pdf), SECTIONS, norm=flat)
    assert_contains(pdf_text(pdf), INDICATOR, "๐.๑๕", "ที่ ๐๐๒๙.๙๓/๑๔๖๑ ลง ๕ ส.ค. ๒๕๕๖", norm=flat)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    # TH SarabunPSK is not a system font here, so LibreOffice could only have drawn it from the font
    # embedded in the DOCX (else it would draw fontconfig's substitute, Laksaman, 1.5 × too large).
    assert OFFICIAL_FAMILY.replace(" ", "") in fonts and "Laksaman" not in fonts, fonts


def test_control_characters_a_client_typed_are_left_out_of_the_docx_not_a_failure(make_ctx):
    """XML cannot hold a NUL or a vertical tab: a phone number typed with one still gives a report."""
    ctx = make_ctx(supervisor="ว่าที่ พ.ต.ท.\x00สมชาย\x0b ทดสอบ", phone="0 2287\x07 3101")
    document = docx.Document(io.BytesIO(render_docx(ctx)))
    text = "\n".join(p.text for p in document.paragraphs).replace("\u2060", "").replace("\xa0", " ")
    assert "สมชาย ทดสอบ" in text and "\x00" not in text and "\x0b" not in text
    assert document.core_properties.last_modified_by == "ว่าที่ พ.ต.ท.สมชาย ทดสอบ"
