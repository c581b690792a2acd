"""Typography of the report: official font metrics and margins, the PDF's text layer, Thai line
breaks a reader accepts, the draft mark, page numbers — in PDF, DOCX and HTML."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import statistics
import subprocess
import zipfile

import pytest

from lakthan.reports import keep_whole
from lakthan.reports.fonts import BODY_PT, MARGIN_CM, THAI_DIGITS_FAMILY, official_font_bytes, report_font
from lakthan.reports.render_docx import render_docx
from lakthan.reports.render_html import render_html
from lakthan.reports.render_pack_index import render_pack_index
from lakthan.reports.render_pdf import render_pdf, render_pdf_from_html


def pdf_text(pdf: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def draft_pdf(make_ctx) -> bytes:
    return render_pdf(make_ctx())


# --- fonts and page -----------------------------------------------------------------------------


def test_the_report_font_is_laksaman_at_th_sarabunpsk_scale():
    font = report_font()
    assert font.family == "Laksaman", "Debian fonts-tlwg-laksaman is the report font"
    # TLWG made Laksaman from TH Sarabun New "scaled up by 150.42 %": 16 official pt draw at 10.64 pt.
    assert font.pt(BODY_PT) == pytest.approx(10.64, abs=0.01)
    assert font.line_height == pytest.approx(1.957, abs=0.001)  # Word's single spacing for it


def _line_lengths(pdf: bytes) -> list[int]:
    lines = [line for line in pdf_text(pdf).splitlines() if line.strip()]
    return [len(line) for line in lines[:-1]]  # the last line of a paragraph is short


def test_a_16_cm_line_holds_what_th_sarabunpsk_16_pt_holds(make_ctx):
    ctx = make_ctx()
    text = " ".join([e for c in ctx.criteria for e in c.explanation] + ctx.actions_taken)
    family = report_font().family

    def page(size: str) -> bytes:
        return render_pdf_from_html(
            f'<html lang="th"><body style="margin: 0; width: 16cm; font-family: {family}; font-size: {size}">'
            f"<p>{text}</p></body></html>"
        )

    official = statistics.mean(_line_lengths(page(f"{report_font().pt(BODY_PT)}pt")))
    unscaled = statistics.mean(_line_lengths(page(f"{BODY_PT}pt")))
    # Measured: ~92 characters at TH SarabunPSK's 16 pt (LibreOffice, the DOCX: ~92), ~60 drawn at 16 pt.
    assert 85 <= official <= 100, official
    assert official / unscaled == pytest.approx(1.5042, rel=0.06)


def test_report_html_sets_the_official_size_and_margins(make_ctx):
    page = render_html(make_ctx())
    font = report_font()
    assert f"font-size: {font.pt(BODY_PT)}pt" in page and f"line-height: {font.line_height}" in page
    assert "margin: 2.5cm 2.0cm 2.0cm 3.0cm" in page
    families = re.findall(r"font-family: ([^;]+);", page)
    assert families and not any("SarabunPSK" in f for f in families)  # it would draw 1.5 × too small


def test_pdf_pages_have_the_official_margins(draft_pdf):
    # The first line of text starts 3 cm from the left edge (pdftotext -bbox gives points).
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=draft_pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    x_min = min(float(x) for x in re.findall(r'<word xMin="([0-9.]+)"', bbox))
    x_max = max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', bbox))
    cm = 72 / 2.54
    assert x_min == pytest.approx(MARGIN_CM["left"] * cm, abs=0.2 * cm)
    assert x_max <= (21 - MARGIN_CM["right"]) * cm + 0.1 * cm


# --- the PDF's text layer -----------------------------------------------------------------------


def test_pdf_text_layer_reads_sara_am_as_written(draft_pdf):
    # Not normalised: ำ must come out as U+0E33, not NIKHAHIT + SARA AA (Kozea/WeasyPrint#2841).
    text = flat(pdf_text(draft_pdf))
    for word in ("สำนักงานตรวจคนเข้าเมือง", "จำนวนข้อมูลเชิงประจักษ์", "ดำเนินการ", "น้ำท่วม", "คำชี้แจง"):
        assert word in text, word
    assert "\u0e4d" not in text  # no NIKHAHIT left over anywhere


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_pdf_text_layer_round_trips_thai_with_marks(weight):
    words = "สำนักงาน น้ำท่วม จำนวน ค่ำ ช้ำ ทั้งนี้ ผู้ใช้ นา ทำ กล้ำกลืน"
    pdf = render_pdf_from_html(
        f'<html lang="th"><body style="font-family: {report_font().family}; font-weight: {weight}">'
        f"<p>{words}</p></body></html>"
    )
    assert pdf_text(pdf).strip() == words


# --- line breaks --------------------------------------------------------------------------------

PHRASES = {
    "date": "๑ ก.ค. ๒๕๕๖",
    "date and time": "๒๐ ก.ย. ๒๕๕๖ ๑๐:๓๐ น.",
    "rank and name": "พ.ต.ท.หญิง สมศรี  ใจดี",
    "unit name": "สำนักงานตรวจคนเข้าเมือง",
    "abbreviated unit": "บก.สส.สตม.",
    "document number": "ที่ ๐๐๒๙.๙๓/๑๔๖๑",
    "telephone": "๐ ๒๒๘๗ ๓๑๐๑-๑๐ ต่อ ๒๒๔๒",
    "host name": "intranet.immigration.go.th",
}
FILLER = "มีการติดตั้งระบบบันทึกและติดตามการใช้งานระบบสารสนเทศของส่วนราชการ"
NAMES = ("สำนักงานตรวจคนเข้าเมือง",)


@pytest.mark.parametrize("kind", PHRASES)
def test_each_kind_of_phrase_is_found_whole(kind):
    phrase = PHRASES[kind]
    text = f"{FILLER} {phrase} {FILLER}"
    assert [text[s:e] for s, e in keep_whole.spans(text, NAMES)] == [phrase]


def test_plain_prose_has_no_phrase_to_keep():
    assert keep_whole.spans(FILLER * 3, NAMES) == []


def test_docx_text_joins_a_phrase_and_reads_back_as_written():
    text = keep_whole.docx_text(f"ลง {PHRASES['date']} ของ{PHRASES['unit name']}", NAMES)
    assert "๑\u00a0ก.ค.\u00a0๒๕๕๖" in text and "สำนักงาน\u2060ตรวจ" in text
    assert keep_whole.plain(text) == f"ลง {PHRASES['date']} ของ{PHRASES['unit name']}"


def test_html_wraps_phrases_in_nowrap_spans_and_escapes():
    html = keep_whole.html_text(f"<b> {PHRASES['document number']}", NAMES)
    assert html == f'&lt;b&gt; <span class="nw">{PHRASES["document number"]}</span>'


def test_pdf_never_breaks_a_phrase_across_lines():
    # Narrow columns at every offset: without the rule each phrase is cut somewhere.
    family = report_font().family
    body = " ".join(f"{FILLER[:k]} {p}" for k in range(0, 40, 7) for p in PHRASES.values())
    page = keep_whole.html_page(
        f'<html lang="th"><head><style>.nw {{ white-space: nowrap }}</style></head>'
        f'<body style="font-family: {family}; font-size: 14pt; width: 6cm"><p>{body}</p></body></html>',
        NAMES,
    )
    lines = pdf_text(render_pdf_from_html(page)).splitlines()
    for phrase in PHRASES.values():
        whole = sum(flat(phrase) in flat(line) for line in lines)
        assert whole == len(range(0, 40, 7)), (phrase, whole)
    plain_lines = pdf_text(render_pdf_from_html(page.replace("nowrap", "normal"))).splitlines()
    assert sum(flat(PHRASES["unit name"]) in flat(line) for line in plain_lines) < len(range(0, 40, 7))


def test_report_keeps_its_phrases_whole_in_every_format(make_ctx, draft_pdf):
    ctx = make_ctx()
    html = render_html(ctx)
    for phrase in ("พ.ต.ท.หญิง สมศรี  ใจดี", "สำนักงานตรวจคนเข้าเมือง", "ที่ ๐๐๒๙.๙๓/๑๔๖๑", "๑๑ ม.ค. ๒๕๕๓"):
        assert f'<span class="nw">{phrase}</span>' in html, phrase
    assert "<title>" in html and '<span class="nw">' not in html.split("<body>")[0]
    document = render_docx(ctx)
    body = zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml").decode()
    assert "๑๑\u00a0ม.ค.\u00a0๒๕๕๓" in body and "สำนักงาน\u2060ตรวจ\u2060คนเข้าเมือง" in body
    text = pdf_text(draft_pdf)
    assert "สำนักงานตรวจคนเข้าเมือง" in text and "(รายตัวชี้วัด)" in text


# --- draft mark and page numbers ----------------------------------------------------------------


def _pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(info.split("Pages:")[1].split()[0])


def _page_texts(pdf: bytes) -> list[str]:
    return [pdf_text(pdf, "-f", str(n), "-l", str(n)) for n in range(1, _pages(pdf) + 1)]


def test_pdf_draft_mark_is_the_banner_and_the_page_mark_not_the_watermarks_letters(draft_pdf, make_ctx):
    pages = _page_texts(draft_pdf)
    assert "ฉบับร่าง — ยังไม่ได้ลงนามรับรอง" in pages[0]  # the banner, as in the DOCX
    # each page: its top-right mark; page 1 also the banner; the diagonal watermark adds nothing
    assert [p.count("ฉบับร่าง") for p in pages] == [2] + [1] * (len(pages) - 1)
    html = render_html(make_ctx())
    assert '<div class="watermark" aria-hidden="true"><svg' in html
    watermark = html.split('<div class="watermark"')[1].split("</div>")[0]
    assert "ฉบับร่าง" not in watermark and "<path" in watermark
    assert 'class="watermark"' not in render_html(make_ctx(signed=True))


def test_docx_draft_mark_matches_the_pdf(make_ctx):
    package = zipfile.ZipFile(io.BytesIO(render_docx(make_ctx())))
    header = package.read("word/header1.xml").decode()
    body = keep_whole.plain(package.read("word/document.xml").decode())
    assert ">ฉบับร่าง</w:t>" in header and "PowerPlusWaterMarkObject" in header  # page mark, watermark
    assert "ฉบับร่าง — ยังไม่ได้ลงนามรับรอง" in body  # the banner


@pytest.mark.parametrize("thai", [True, False])
def test_docx_page_numbers_have_the_total_in_the_reports_digits(make_ctx, thai):
    package = zipfile.ZipFile(io.BytesIO(render_docx(make_ctx(thai_digits=thai))))
    footer = package.read("word/footer1.xml").decode()
    assert re.search(r"หน้า </w:t>.*PAGE.*/</w:t>.*NUMPAGES", footer, re.S)
    assert ("Lakthan Thai Digits" in footer) is thai
    assert ("Lakthan Thai Digits" in package.read("word/fontTable.xml").decode()) is thai


def test_the_page_number_font_draws_arabic_digits_as_thai():
    font = report_font()
    from fontTools.ttLib import TTFont as Font

    digits = Font(io.BytesIO(official_font_bytes(font.regular, "Regular", THAI_DIGITS_FAMILY)))
    official = Font(io.BytesIO(official_font_bytes(font.regular, "Regular")))
    cmap = digits.getBestCmap()
    assert [cmap[0x30 + d] for d in range(10)] == [cmap[0x0E50 + d] for d in range(10)]
    assert official.getBestCmap()[0x31] != official.getBestCmap()[0x0E51]
    assert official["head"].unitsPerEm == 1504 and official["name"].getDebugName(1) == "TH SarabunPSK"


@pytest.fixture(scope="module")
def docx_as_pdf(make_ctx, tmp_path_factory) -> bytes:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("docx")
    (out / "report.docx").write_bytes(render_docx(make_ctx()))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
        ]
        + ["--outdir", str(out), str(out / "report.docx")],
        capture_output=True,
        timeout=240,
        check=True,
    )
    return (out / "report.pdf").read_bytes()


def test_docx_in_libreoffice_draws_the_official_metrics_and_marks(docx_as_pdf):
    fonts = subprocess.run(
        ["pdffonts", "-"], input=docx_as_pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "THSarabunPSK-Regular" in fonts and "LakthanThaiDigits" in fonts, fonts
    pages = _page_texts(docx_as_pdf)
    # the footer's page numbers: fields, drawn with Thai digit shapes (the text layer keeps 1/4)
    assert all(f"หน้า {n}/{len(pages)}" in page for n, page in enumerate(pages, 1))
    assert [p.count("ฉบับร่าง") for p in pages] == [2] + [1] * (len(pages) - 1)  # watermark: no text
    lengths = [n for n in _line_lengths(docx_as_pdf) if n > 60]
    assert statistics.median(lengths) >= 75  # indents and cells narrow some; Laksaman at 16 pt: <= 60
    for phrase in ("สำนักงานตรวจคนเข้าเมือง", "พ.ต.ท.หญิง สมศรี  ใจดี"):
        assert any(flat(phrase) in flat(line) for line in pages[0].replace("\u2060", "").splitlines()), phrase


# --- the pack's index ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack_ctx(make_ctx):
    ctx = make_ctx()
    evidence = [
        dataclasses.replace(
            e, sha256=f"{e.number:02d}" * 32, filename=f"evidence/{e.number:02d}-{e.title[:40]}.pdf"
        )
        for e in ctx.evidence
    ]
    return dataclasses.replace(ctx, evidence=evidence)


def test_pack_index_is_set_like_the_report(pack_ctx):
    page = render_pack_index(pack_ctx)
    font = report_font()
    assert f'font-family: "{font.family}"' in page and f"font-size: {font.pt(BODY_PT)}pt" in page
    visible = re.sub(r"<[^>]+>", "", re.sub(r"<(style|title|a)\b.*?</\1>", "", page, flags=re.S))
    visible = re.sub(r"SHA-256[0-9a-f ]*|\S+\.(zip|pem|ed25519|json)|SHA256SUMS|Ed25519", "", visible)
    assert not re.search(r"[0-9]", visible), re.findall(r".{0,15}[0-9].{0,15}", visible)[:3]
    assert "counter(page, thai)" in page
    # the weight and scores as the report writes them (๓, not 3.00)
    assert "น้ำหนัก (ร้อยละ) ๓ ค่าคะแนนถ่วงน้ำหนัก ๐.๑๕" in re.sub(r"</?span[^>]*>", "", page)
    for ref in pack_ctx.evidence:
        assert f'href="{ref.filename}"' in page
    assert "word-break: break-all" not in page  # file names break at / - _ and between words


def test_pack_index_pdf_has_no_blank_last_page(pack_ctx):
    pdf = render_pdf_from_html(render_pack_index(pack_ctx))
    pages = _page_texts(pdf)
    last_ref = pack_ctx.evidence[-1]
    assert flat(keep_whole.plain(last_ref.title))[:20] in flat(pages[-1])
    assert all(len(flat(p)) > 200 for p in pages)
    assert "หน้า ๑/" in pages[0]
