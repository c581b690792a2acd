"""Names and titles lose the invisible characters that disguise them."""

from __future__ import annotations

import pytest

from lakthan.lib.text import clean_line, clean_text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override: would show "exe.pdf"
        ("\u2067สำนัก\u2069งาน", "สำนักงาน"),  # isolates
        ("  กอง\tทะเบียน\n", "กอง ทะเบียน"),
        ("bell\x07\x1b[31m", "bell[31m"),  # C0 controls (an ANSI escape's ESC)
        ("e\u0301", "\u00e9"),  # NFC
        ("", ""),
        (None, ""),
    ],
)
def test_clean_line(typed, kept):
    assert clean_line(typed) == kept


def test_clean_text_keeps_line_breaks():
    assert clean_text("บรรทัด\u202e ๑\r\nบรรทัด ๒\n") == "บรรทัด ๑\nบรรทัด ๒"


def test_names_are_cleaned_where_they_are_stored(world):
    from lakthan.core.services import add_person, add_unit

    unit = add_unit("RLO", "หน่วย\u202eทดสอบ")
    person = add_person(unit, "สม\u202eชาย", "ตัว\u2066อย่าง")
    assert unit.name_th == "หน่วยทดสอบ" and person.first_name_th == "สมชาย" and person.last_name_th == "ตัวอย่าง"


def test_evidence_titles_lose_a_right_to_left_override(world):

    from lakthan.evidence import services as ev

    meta = ev.Metadata(title="ใบสั่งซื้อ\u202efdp.exe", kind="form", doc_no="ที่ ๑\u2066/๒๕๕๖")
    evidence = ev.add_link(world.a, "https://example.org/x", meta)
    assert evidence.title == "ใบสั่งซื้อfdp.exe" and evidence.doc_no == "ที่ ๑/๒๕๕๖"
