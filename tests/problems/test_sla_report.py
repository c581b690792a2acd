"""The official summary "สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ" as PDF: Thai digits, B.E. months,
per month and severity, the breaches, the targets in force and the calendar they count on."""

from __future__ import annotations

import re
import subprocess
from datetime import date

from lakthan.problems.services.sla_summary import problems_pdf

from .sla_fixtures import make_problem, standard_targets

MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\\s]")


def _bare(text: str) -> str:
    """pdftotext breaks Thai runs with spaces and may put a tone mark before its vowel: compare
    without spaces and without the marks above and below the line."""
    return MARKS.sub("", text)


def test_the_summary_document_reads_in_thai(org, tmp_path):
    standard_targets()
    make_problem(org.division, severity=1, reported="2013-04-02 09:00", fixed="2013-04-02 12:00")
    make_problem(
        org.division, severity=2, reported="2013-04-12 15:00", fixed="2013-04-18 10:00", title="ระบบสารบรรณล่ม"
    )
    make_problem(org.division, severity=4, reported="2013-05-02 10:00", fixed="2013-05-03 10:00")
    pdf = problems_pdf(org.bureau, date(2013, 4, 1), date(2013, 5, 31))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "sla.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = _bare(raw)
    assert _bare("สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ") in text
    assert _bare("เมษายน๒๕๕๖") in text and _bare("พฤษภาคม๒๕๕๖") in text
    assert _bare("ระบบสารบรรณล่ม") in text  # the breach, listed
    assert _bare("๓ชั่วโมงทำการ") in text  # how far past due, in office time
    assert _bare("๔ชั่วโมง") in text and _bare("๘ชั่วโมงทำการ") in text  # the targets in force
    assert _bare("ยังไม่กำหนด") in text  # severity 4
    assert _bare("๐๘:๓๐–๑๖:๓๐") in text
