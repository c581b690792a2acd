"""The register as XLSX: export → import changes nothing; an agency's own sheet (title rows above the
header, Thai treatment names, B.E. text dates, running numbers) is read; a bad sheet is refused whole
with every bad row named and nothing applied."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from lakthan.risks.engines import register_xlsx as sheet
from tests.risks import register_fixtures
from tests.risks.register_fixtures import add

bureau = register_fixtures.bureau
pytestmark = pytest.mark.django_db

HEADER = [
    "ลำดับ",
    "หน่วยงาน",
    "ระบบ",
    "ความเสี่ยง",
    "ภัยคุกคาม",
    "ช่องโหว่",
    "โอกาส",
    "ผลกระทบ",
    "ระดับ",
    "โอกาสหลังควบคุม",
    "ผลกระทบหลังควบคุม",
    "ระดับหลังควบคุม",
    "การจัดการ",
    "แผนจัดการ",
    "ผู้รับผิดชอบ",
    "กำหนดเสร็จ",
    "สถานะ",
]


def agency_sheet(*rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(["ทะเบียนความเสี่ยงด้านเทคโนโลยีสารสนเทศ ปีงบประมาณ ๒๕๖๙"])
    ws.append([])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_then_import_changes_nothing(bureau):
    from lakthan.risks.models import RiskImport, RiskRevision
    from lakthan.risks.services.register import close_risk, update_risk
    from lakthan.risks.services.register_io import export_register, import_register

    add(bureau, due=date(2027, 1, 15))
    plain = add(
        bureau,
        system=None,
        residual_likelihood=None,
        residual_impact=None,
        owner=None,
        threat="",
        vulnerability="",
        treatment_plan="",
        treatment="transfer",
        title="ผู้รับจ้างปิดกิจการ",
    )
    update_risk(plain, actor="t", treatment_status="in_progress")
    close_risk(add(bureau, unit=bureau.b, system=None, title="ไฟฟ้าดับ"), actor="t")
    revisions = RiskRevision.objects.count()

    data = export_register(bureau.b)
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == [title for _, title, _ in sheet.COLUMNS]
    first = [c.value for c in ws[2]]
    assert first[:4] == ["R-0003", "B", None, "ไฟฟ้าดับ"]
    assert first[8] == "สูงมาก" and first[12] == "ลดความเสี่ยง" and first[16] == "ปิด"
    owner_row = [c.value for c in ws[3]]
    assert owner_row[14] == "นายสมชาย ใจดี" and owner_row[15] == datetime(2027, 1, 15)

    done = import_register(data, "register.xlsx", actor="t")
    assert (done.rows, done.added, done.changed) == (3, 0, 0)
    assert RiskRevision.objects.count() == revisions
    assert RiskImport.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_an_agency_sheet_adds_and_updates_risks(bureau):
    from lakthan.risks.models import Risk
    from lakthan.risks.services.register_io import import_register

    existing = add(bureau)
    data = agency_sheet(
        [
            1,
            "B-IT",
            "hr",
            "ข้อมูลบุคลากรรั่วไหล",
            "บุคคลภายใน",
            "สิทธิ์เกินจำเป็น",
            3,
            5,
            "สูงมาก",
            2,
            5,
            None,
            "ลด",
            "ทบทวนสิทธิ์ทุกไตรมาส",
            "สมหญิง ใจงาม",
            "๓๑/๐๓/๒๕๗๐",
            "กำลังดำเนินการ",
        ],
        [
            existing.ref,
            "B-IT",
            "mail",
            existing.title,
            "",
            "",
            2,
            4,
            None,
            None,
            None,
            None,
            "ยอมรับความเสี่ยง",
            "",
            str(bureau.owner.pk),
            None,
            None,
        ],
    )
    done = import_register(data, "ทะเบียน.xlsx", actor="t")
    assert (done.rows, done.added, done.changed) == (2, 1, 1)
    new = Risk.objects.get(system__code="hr")
    assert new.ref == "R-0002" and (new.level, new.residual_level) == ("very_high", "high")
    assert new.owner == bureau.head and new.due == date(2027, 3, 31) and new.treatment_status == "in_progress"
    existing.refresh_from_db()
    assert (existing.likelihood, existing.level, existing.treatment) == (2, "medium", "accept")
    assert existing.residual_level == "" and existing.threat == ""
    assert existing.revisions.last().reason == "import ทะเบียน.xlsx"


def test_a_bad_sheet_names_every_bad_row_and_applies_nothing(bureau):
    from lakthan.risks.models import Risk, RiskImport, RiskRevision
    from lakthan.risks.services.register_io import ImportRejected, import_register

    existing = add(bureau)
    data = agency_sheet(
        [
            existing.ref,
            "B-IT",
            "mail",
            "เปลี่ยนชื่อ",
            "",
            "",
            1,
            1,
            None,
            None,
            None,
            None,
            "ลด",
            "",
            "",
            None,
            None,
        ],
        [2, "B-IT", "mail", "ดี", "", "", 2, 2, None, None, None, None, "ลด", "", "", None, None],
        [3, "NOPE", "mail", "หน่วยงานผิด", "", "", 2, 2, None, None, None, None, "ลด", "", "", None, None],
        [4, "B-IT", "", "โอกาสเกิน", "", "", 6, "สาม", None, 2, None, None, "ลด", "", "", "31/13/2569", "ไม่รู้"],
        [
            5,
            "B-IT",
            "x-web",
            "ระบบหน่วยอื่น",
            "",
            "",
            2,
            2,
            None,
            None,
            None,
            None,
            "โยนทิ้ง",
            "",
            "ใครก็ไม่รู้",
            None,
            None,
        ],
    )
    with pytest.raises(ImportRejected) as refused:
        import_register(data, "bad.xlsx", actor="t")
    assert refused.value.exit_code == 2
    lines = refused.value.lines("en")
    assert [line.split(" ")[0] for line in lines] == sorted(line.split(" ")[0] for line in lines)  # by row
    assert "bad.xlsx:7 (โอกาส): '6' is outside the matrix (1–5)" not in lines  # 6 is a number: the matrix's
    assert "bad.xlsx:7 (โอกาส): 6 is outside the matrix (1–5)" in lines
    assert "bad.xlsx:7 (ผลกระทบ): 'สาม' is not a whole number from 1" in lines
    assert "bad.xlsx:7 (ผลกระทบหลังควบคุม): give the residual likelihood and impact both, or neither" in lines
    assert any(line.startswith("bad.xlsx:7 (กำหนดเสร็จ): '31/13/2569' is not a date") for line in lines)
    assert any(line.startswith("bad.xlsx:7 (สถานะ): unknown status 'ไม่รู้'") for line in lines)
    assert "bad.xlsx:6 (หน่วยงาน): no unit with code NOPE" in lines
    assert "bad.xlsx:8 (ระบบ): system x-web is not of unit B-IT" in lines
    assert any(line.startswith("bad.xlsx:8 (การจัดการ): unknown treatment 'โยนทิ้ง'") for line in lines)
    assert "bad.xlsx:8 (ผู้รับผิดชอบ): no person named ใครก็ไม่รู้" in lines
    assert not any(":4 " in line or ":5 " in line for line in lines)  # the good rows are not named
    assert "bad.xlsx:6 (หน่วยงาน): ไม่พบหน่วยงานรหัส NOPE" in refused.value.lines("th")
    existing.refresh_from_db()
    assert existing.title != "เปลี่ยนชื่อ" and Risk.objects.count() == 1
    assert RiskRevision.objects.count() == 1 and RiskImport.objects.count() == 0


def test_the_likelihood_of_a_row_is_judged_on_the_matrix(bureau):
    from lakthan.risks.services.register_io import ImportRejected, import_register

    data = agency_sheet(
        [1, "B-IT", "", "เกิน", "", "", 6, 2, None, None, None, None, "avoid", "", "", None, None]
    )
    with pytest.raises(ImportRejected) as refused:
        import_register(data, "six.xlsx", actor="t")
    assert refused.value.lines("en") == ["six.xlsx:4 (โอกาส): 6 is outside the matrix (1–5)"]


def test_a_file_that_is_not_a_register_is_named_whole():
    with pytest.raises(sheet.RegisterRejected) as refused:
        sheet.read_register(b"not a zip", "x.xlsx")
    assert refused.value.lines("en")[0].startswith("x.xlsx: not a readable XLSX file")
    book = Workbook()
    book.active.append(["ชื่อ", "นามสกุล"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(sheet.RegisterRejected) as refused:
        sheet.read_register(out.getvalue(), "people.xlsx")
    assert "no header row with the columns หน่วยงาน, ความเสี่ยง" in refused.value.lines("en")[0]


def test_the_same_ref_twice_in_a_sheet_is_refused():
    data = agency_sheet(
        ["R-9", "B", "", "ก", "", "", 1, 1, None, None, None, None, "mitigate", "", "", None, None],
        ["R-9", "B", "", "ข", "", "", 1, 1, None, None, None, None, "mitigate", "", "", None, None],
    )
    with pytest.raises(sheet.RegisterRejected) as refused:
        sheet.read_register(data, "twice.xlsx")
    assert refused.value.lines("en") == [
        "twice.xlsx:4 (ลำดับ/รหัสความเสี่ยง): ref R-9 appears twice in the file",
        "twice.xlsx:5 (ลำดับ/รหัสความเสี่ยง): ref R-9 appears twice in the file",
    ]
