"""The plain documents' shared rules: page numbers in the documents' digits."""

from __future__ import annotations

import subprocess

from lakthan.reports import plain_document as document
from lakthan.reports.render_pdf import render_pdf_from_html


def _footer_text(tmp_path) -> str:
    html = f"<html lang=th><head><style>{document.css()}</style></head><body><p>หน้าแรก</p></body></html>"
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(render_pdf_from_html(html))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())  # pdftotext spaces the footer as it likes


def test_page_numbers_follow_the_documents_digits(settings, tmp_path):
    settings.LAKTHAN_THAI_DIGITS = True
    assert "๑/๑" in _footer_text(tmp_path)
    settings.LAKTHAN_THAI_DIGITS = False
    assert "1/1" in _footer_text(tmp_path)
