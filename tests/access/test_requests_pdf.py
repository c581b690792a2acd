"""The printable request form: a PDF whose text layer holds the Thai names, positions, B.E. dates and
Thai digits of the request, both approvals and the grant's application."""

from __future__ import annotations

import subprocess
import unicodedata

import pytest

from tests.access import requests_fixtures
from tests.access.requests_fixtures import employee, group

office = requests_fixtures.office
pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """The text layer in content order (-raw: poppler's layout mode puts raised Thai marks on a line of
    their own), spaces collapsed, NFKD (the layer gives ำ as ํ + า, see reports/pdf_text_layer.py)."""
    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return nfkd(" ".join(raw.decode().split()))


def nfkd(text: str) -> str:
    return unicodedata.normalize("NFKD", text)


def approved_request(office):
    from lakthan.access.services.requests import create_request, decide

    request = create_request(
        employee=employee("E006"),
        system=office.system,
        group=group("admins"),
        justification="ปฏิบัติหน้าที่ผู้ดูแลระบบแทนผู้ที่ลาศึกษาต่อ ๖ เดือน",
        until=None,
        requested_by=office.clerk.user,
        actor="suda",
    )
    decide(request, office.head_it, "approve", "เห็นควรอนุมัติ", actor="weera")
    return decide(request, office.owner, "approve", actor="somsak")


def test_the_form_names_the_person_both_approvers_and_when_the_right_was_applied(office, tmp_path):
    from lakthan.access.services.request_form import request_form_pdf
    from lakthan.lib.thai import format_date, thai_digits

    request = approved_request(office)
    pdf = request_form_pdf(request)

    assert pdf.startswith(b"%PDF")
    flat = pdf_text(pdf)
    for expected in (
        "แบบขอรหัสผู้ใช้งานและสิทธิ์การเข้าถึงระบบสารสนเทศ",
        "สำนักงานทดสอบ",
        "นางสาวใหม่ เพิ่งมา",
        "นักวิชาการคอมพิวเตอร์",
        "ศูนย์เทคโนโลยีสารสนเทศ",
        "admins",
        "ลาศึกษาต่อ ๖ เดือน",
        "(นายวีระ กล้าหาญ)",
        "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ",
        "(พ.ต.ท.สมศักดิ์ รักษาระบบ)",
        "ผู้ดูแลระบบไดเรกทอรี",
        "เห็นควรอนุมัติ",
        "นางสาวสุดา ขยันยิ่ง",
        f"วันที่ {format_date(request.grant.applied_at, style='long')}",
        "เดิมถูกล็อก ปลดล็อกแล้วเมื่อกำหนดสิทธิ์",
        "อนุมัติและดำเนินการแล้ว",
        f"คำขอเลขที่ {thai_digits(request.pk)}",
    ):
        assert nfkd(expected) in flat, expected
    assert "๒๕๖" in flat  # B.E. years in Thai digits
    assert f"{request.requested_at.year + 543}" not in flat.replace(" ", "")  # no Arabic B.E. year


def test_a_pending_form_names_who_is_still_to_decide(office):
    from lakthan.access.services.request_form import request_form_pdf
    from lakthan.access.services.requests import create_request, decide

    request = create_request(
        employee=employee("E003"),  # มานะ อดทน, HR
        system=office.system,
        role_name="ผู้ตรวจสอบรายงานบัญชีผู้ใช้",
        justification="ตรวจสอบบัญชีผู้ใช้ประจำไตรมาส",
        until=None,
        requested_by=office.clerk.user,
    )
    decide(request, office.owner, "approve")

    flat = pdf_text(request_form_pdf(request))  # the object held is stale: the form reads it afresh

    assert nfkd("ยังไม่ได้พิจารณา (นางประภา ใจเย็น)") in flat
    assert nfkd("(พ.ต.ท.สมศักดิ์ รักษาระบบ)") in flat
    assert nfkd("ผู้ตรวจสอบรายงานบัญชีผู้ใช้") in flat and nfkd("รอการพิจารณา") in flat
    assert nfkd("ไม่กำหนด") in flat
