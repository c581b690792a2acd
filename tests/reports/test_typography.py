"""Typography of the report: official font metrics and margins, the PDF's text layer, Thai line
breaks a reader accepts, the draft mark, page numbers — in PDF, DOCX and HTML."""

from __future__ import annotations

import re
import subprocess

import pytest
from fontTools.ttLib import TTFont

from lakthan.reports.fonts import BODY_PT, MARGIN_CM, report_font
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


def test_the_report_font_has_th_sarabunpsk_metrics():
    font = report_font()
    assert font.family == "Laksaman", "Debian fonts-tlwg-laksaman is the report font"
    ttf = TTFont(str(font.regular))
    hmtx, cmap = ttf["hmtx"], ttf.getBestCmap()
    # TH SarabunPSK's advance widths (units per em 1000) of a few letters, as Word measures them.
    assert ttf["head"].unitsPerEm == 1000
    assert {c: hmtx[cmap[ord(c)]][0] for c in "กนาเ"} == {"ก": 580, "น": 631, "า": 475, "เ": 305}
    assert BODY_PT == 16


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
