"""The printable problem report (แบบรายงานปัญหาการใช้งานระบบสารสนเทศ) read back from the PDF: the person
responsible with the order naming them, the fix, the result, the time against the SLA, the history;
Thai digits and B.E. dates."""

from __future__ import annotations

import io
import os
import unicodedata
from datetime import timedelta

import pytest
from pypdf import PdfReader

from lakthan.problems.services import log, owners
from lakthan.problems.services.problem_form import problem_pdf
from tests.problems import problog_fixtures
from tests.problems.problog_fixtures import REPORTED, report

office = problog_fixtures.office
pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    """pypdf's text layer with every space removed (it puts some between Thai marks), NFKD (the layer
    gives ำ as ํ + า, see reports/pdf_text_layer.py); compare with ``_squash`` of the expected text."""
    return _squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _squash(text: str) -> str:
    return unicodedata.normalize("NFKD", "".join(text.split()))


def _has(text: str, *needles: str) -> bool:
    return all(_squash(n) in text for n in needles)


def test_the_form_names_the_owner_and_order_and_judges_the_sla(office, tmp_path):
    owners.add_owner(office.mail, office.central, order=office.order, actor="test")
    problem = report(office)
    log.start(problem, actor="somchai", at=REPORTED + timedelta(minutes=30))
    log.close_problem(
        problem,
        fixed_at=REPORTED + timedelta(hours=5, minutes=30),
        fix="ตั้งค่าเครื่องแม่ข่ายอีเมลใหม่",
        result="ผู้ใช้ส่งอีเมลได้ตามปกติ",
        actor="somchai",
    )
    pdf = problem_pdf(problem)
    if os.environ.get("LAKTHAN_SCREENSHOTS"):
        (tmp_path / "form.pdf").write_bytes(pdf)
    text = _text(pdf)
    assert _has(text, "แบบรายงานปัญหาการใช้งานระบบสารสนเทศ")
    assert _has(text, "ศูนย์เทคโนโลยีสารสนเทศ", "ระบบไปรษณีย์อิเล็กทรอนิกส์")
    assert _has(text, "๑ (วิกฤต)")
    assert _has(text, "๑๑ กรกฎาคม ๒๕๕๖ ๐๙:๐๕ น.")  # reported, B.E., Thai digits, Bangkok time
    assert _has(text, "ร.ต.อ.สมชาย ใจดี", "๑๒/๒๕๕๖", "๑ ตุลาคม ๒๕๕๕")
    assert _has(text, "ตั้งค่าเครื่องแม่ข่ายอีเมลใหม่", "ผู้ใช้ส่งอีเมลได้ตามปกติ")
    assert _has(text, "๑๑ กรกฎาคม ๒๕๕๖ ๑๔:๓๕ น.")  # fixed at
    assert _has(text, "๕ ชั่วโมง ๓๐ นาที", "๔ ชั่วโมง")
    assert _has(text, "แก้ไขเกินเวลาที่กำหนด")
    assert _has(text, "รับแจ้งปัญหา", "เริ่มดำเนินการแก้ไข", "แก้ไขเสร็จ")


def test_an_open_problem_without_an_owner_says_so_in_arabic_digits_when_turned_off(office, settings):
    settings.LAKTHAN_THAI_DIGITS = False
    problem = report(office, system=office.pibics, severity=2)
    text = _text(problem_pdf(problem))
    assert _has(text, "ยังไม่มอบหมาย")
    assert _has(text, "ไม่มีเกณฑ์สำหรับระดับความรุนแรงนี้")
    assert _has(text, "11 กรกฎาคม 2556 09:05 น.")
