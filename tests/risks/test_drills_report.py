"""The drill report PDF: measured vs target per system, Thai dates and durations, read back as text."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from lakthan.risks.models import ContinuityTarget
from lakthan.risks.services.drills import drill_report_pdf, record_drill
from tests.risks.drill_fixtures import RESTORED, STARTED

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_report_shows_each_system_measured_against_its_targets(org, erp, tmp_path):
    ContinuityTarget.objects.create(system=erp, rto_s=3 * 3600, rpo_s=4 * 3600, updated_by="t")
    record_drill(
        unit=org.division,
        systems=["erp"],
        scenario="fire",
        started=STARTED,
        restored=RESTORED,
        title="ซ้อมอพยพห้องเครื่อง",
        people="ทีมไอที",
        actor="t",
    )
    pdf = drill_report_pdf(org.division, date(2026, 3, 1), date(2026, 3, 31))
    assert pdf.startswith(b"%PDF")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "ซ้อมอพยพห้องเครื่อง" in text
    assert "๑ มีนาคม ๒๕๖๙" in text  # B.E. dates with Thai digits
    assert "๔ ชั่วโมง" in text and "๓ ชั่วโมง" in text  # measured 4 h against a 3 h target
    assert "๒ ชั่วโมง ๓๐ นาที" in text  # RPO from the 11:30 UTC snapshot (18:30 Bangkok)
    assert "ไม่ผ่าน" in text and "ผ่าน" in text
    assert "๑ มี.ค. ๒๕๖๙ ๑๘:๓๐ น." in text  # the newest backup before the start, in Bangkok time


def test_a_period_without_drills_says_so(org, tmp_path):
    text = pdf_text(drill_report_pdf(org.division, date(2026, 1, 1), date(2026, 1, 31)), tmp_path)
    assert "ไม่มีการซ้อมหรือเหตุการณ์ในช่วงนี้" in " ".join(text.split())
