"""Report and evidence-pack downloads from the dashboard: content types, file names, real content."""

from __future__ import annotations

import io
import zipfile

from tests.web.conftest import DASHBOARD

BASE = DASHBOARD + "indicators/9.2/"


def test_dashboard_links_every_download(officer_client):
    html = officer_client.get(DASHBOARD).content.decode()
    for name in ("report.docx", "report.pdf", "report.html", "pack.zip"):
        assert f'href="{BASE}{name}"' in html


def test_html_report_is_the_draft_form(officer_client):
    response = officer_client.get(BASE + "report.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="WEB-IT-FY2556-R12-9.2.html"'
    html = response.content.decode()
    assert "ฉบับร่าง" in html and "๐.๑๕" in html


def test_pdf_report(officer_client):
    response = officer_client.get(BASE + "report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_docx_report(officer_client):
    response = officer_client.get(BASE + "report.docx")
    assert response.status_code == 200
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        assert "word/document.xml" in docx.namelist()
        assert "ฉบับร่าง" in docx.read("word/document.xml").decode()


def test_unknown_format_is_404(officer_client):
    assert officer_client.get(BASE + "report.exe").status_code == 404


def test_indicator_outside_the_agreement_shows_the_domain_error(officer_client):
    # Indicator 9 exists in the library but is not in the unit's agreement.
    response = officer_client.get(DASHBOARD + "indicators/9/report.html")
    assert response.status_code == 404
    assert "ไม่อยู่ในคำรับรองของ WEB-IT" in response.content.decode()  # the service's message, not a traceback


def test_evidence_pack_holds_the_linked_file_and_verifies(officer_client, site, tmp_path):
    from lakthan.evidence.engines.pack import verify_pack

    response = officer_client.get(BASE + "pack.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="WEB-IT-FY2556-R12-9.2-pack.zip"' in response["Content-Disposition"]
    path = tmp_path / "pack.zip"
    path.write_bytes(b"".join(response.streaming_content))
    with zipfile.ZipFile(path) as pack:
        names = pack.namelist()
    assert "manifest.json" in names and "SHA256SUMS" in names
    assert {"report/report.docx", "report/report.pdf", "report/report.html"} <= set(names)
    assert any(n.startswith("evidence/01-") and n.endswith(".pdf") for n in names)
    assert verify_pack(path).ok
