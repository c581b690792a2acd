"""The committee's meeting record PDF, read back with pypdf: the order's number and B.E. date, the
members and their roles, each meeting in B.E. with who came and who did not, the agenda, the
resolutions with their follow-up, the findings — in Thai digits (Arabic when the setting says so)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from lakthan.committees.services import meetings as msvc
from lakthan.committees.services.record import meeting_record_pdf
from tests.committees.committee_fixtures import FY_END, FY_START, bkk, make_board, minutes

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    """The text layer, one space between words, in Unicode's order again: the layer puts a tone mark
    before the vowel under or over the same consonant (ผ ้ ู for ผู้) and splits sara am."""
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    text = re.sub("([\u0e48-\u0e4b])([\u0e31\u0e34-\u0e39])", r"\2\1", text)
    return text.replace("\u0e4d\u0e49\u0e32", "\u0e49\u0e33").replace("\u0e4d\u0e32", "\u0e33")


@pytest.fixture
def board(org):
    board = make_board(org, per_round=2)
    m = msvc.add_meeting(
        board.committee,
        number="1/2556",
        held_at=bkk(2013, 1, 15, 9, 30),
        place="ห้องประชุมชั้น ๓",
        agenda="เรื่องที่ประธานแจ้งให้ทราบ\nพิจารณาแผนจัดหาเครื่องแม่ข่าย",
        minutes=minutes(org.bureau, doc_no="1/2556", doc_date=date(2013, 1, 20)),
        attendees=[board.chair, board.secretary],
        absent={board.member: "ไปราชการ"},
        actor="t",
    )
    r = msvc.add_resolution(
        m, number=1, text="อนุมัติแผนจัดหาเครื่องแม่ข่าย", owner=board.people["secretary"], due=date(2013, 3, 31)
    )
    msvc.follow_up(r, status="in_progress", note="ออกประกาศประกวดราคาแล้ว")
    msvc.add_meeting(board.committee, number="0/2555", held_at=bkk(2012, 9, 1, 9, 0), place="ห้องนอกรอบ")
    return board


def test_the_record_holds_the_order_members_meeting_resolutions_and_findings_in_thai(org, board):
    text = _text(meeting_record_pdf(org.bureau, FY_START, FY_END))
    assert "บันทึกการดำเนินงานของคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศ" in text
    assert "ระหว่างวันที่ ๑ ตุลาคม ๒๕๕๕ ถึงวันที่ ๓๐ กันยายน ๒๕๕๖" in text
    assert "ที่ ๑๒๓/๒๕๕๕ ลงวันที่ ๑๕ ตุลาคม ๒๕๕๕" in text  # the order, B.E.
    for name in ("วิรัชกร", "ปาริฉัตร", "ธนากร", "กิตติพัฒน์"):
        assert name in text
    assert "ประธานกรรมการ" in text and "กรรมการและเลขานุการ" in text
    assert "การประชุมครั้งที่ ๑/๒๕๕๖" in text
    assert "เมื่อวันที่ ๑๕ มกราคม ๒๕๕๖ เวลา ๐๙.๓๐ น. ณ ห้องประชุมชั้น ๓" in text
    assert "ผู้มาประชุม ๒ คน" in text and "ผู้ไม่มาประชุม ๑ คน" in text and "(ไปราชการ)" in text
    assert "พิจารณาแผนจัดหาเครื่องแม่ข่าย" in text
    assert "รายงานการประชุม เลขที่ ๑/๒๕๕๖ ลงวันที่ ๒๐ มกราคม ๒๕๕๖" in text
    packed = text.replace(" ", "")  # a table cell wraps its words where it likes
    assert "อนุมัติแผนจัดหาเครื่องแม่ข่าย" in packed and "อยู่ระหว่างดำเนินการ" in text
    assert "อยู่ระหว่างดำเนินการ:ออกประกาศประกวดราคาแล้ว" in packed
    assert "๓๑ มี.ค. ๒๕๕๖" in text  # the due day
    # findings: met once of two, the resolution past due
    assert "ประชุมน้อยกว่าที่กำหนด" in text and "มติที่เลยกำหนดแล้วยังไม่ดำเนินการ" in text
    assert "ห้องนอกรอบ" not in text  # a meeting outside the round
    assert "2556" not in text and "15" not in text  # Thai digits throughout


def test_arabic_digits_when_the_agency_turns_thai_digits_off(org, board, settings):
    settings.LAKTHAN_THAI_DIGITS = False
    text = _text(meeting_record_pdf(org.bureau, FY_START, FY_END))
    assert "การประชุมครั้งที่ 1/2556" in text and "15 มกราคม 2556" in text


def test_a_unit_without_a_committee_gets_a_record_saying_so(org):
    text = _text(meeting_record_pdf(org.other, FY_START, FY_END))
    assert "ไม่มีคณะกรรมการในหน่วยงานนี้" in text
    assert "ไม่มีคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศ" in text  # the finding
