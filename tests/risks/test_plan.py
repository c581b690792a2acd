"""The continuity plan: its text read back from the DOCX (python-docx) and the PDF (pdftotext) holds the
unit, the targets in Thai words, the manual procedure, the scenarios, the high risks and the drills of
the fiscal year; an approval keeps both documents by digest, sealed — a changed or missing file is
named as an integrity failure."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from datetime import UTC, datetime

import docx
import pytest

from lakthan.core.errors import IntegrityFailure, InvalidInput
from lakthan.evidence.models import Blob
from lakthan.evidence.services import blob_store
from lakthan.lib.durations import format_duration_th
from lakthan.lib.thai import thai_digits
from lakthan.reports.keep_whole import plain
from lakthan.risks.engines.scenarios import DEFAULT_PATH
from lakthan.risks.models import Drill, DrillSystem, PlanApproval
from lakthan.risks.services.continuity import load_scenarios, set_target
from lakthan.risks.services.plan import (
    approve_plan,
    approved_document,
    render_plan,
    verify_approval,
)
from tests.risks.continuity_setup import DAY, HOUR, add_high_risk

FY = 2569


def nfkd(text: str) -> str:
    """NFKD without any white space: a table cell wraps Thai where the document has no space."""
    return unicodedata.normalize("NFKD", "".join(text.split()))


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return nfkd(plain("\n".join(parts)))


def pdf_text(data: bytes) -> str:
    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout
    return nfkd(raw.decode())


@pytest.fixture
def planned(bcp_org):
    s = bcp_org.systems
    set_target(
        s["db"],
        rto_s=4 * HOUR,
        rpo_s=HOUR + 30 * 60,
        mtd_s=2 * DAY,
        manual_procedure="บันทึกคำขอลงแบบฟอร์มกระดาษ บค.๑",
        actor="t",
    )
    set_target(s["erp"], rto_s=8 * HOUR, rpo_s=4 * HOUR, depends_on=[s["db"]], actor="t")
    load_scenarios(bcp_org.unit, DEFAULT_PATH.read_bytes(), actor="t")
    add_high_risk(bcp_org.unit, bcp_org.owner, s["db"])
    drill = Drill.objects.create(
        scenario="fire",
        unit=bcp_org.unit,
        title="ซ้อมกู้คืนฐานข้อมูล",
        started=datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
        restored=datetime(2026, 3, 1, 5, 0, tzinfo=UTC),
        recorded_by="t",
    )
    DrillSystem.objects.create(
        drill=drill,
        system=s["db"],
        rto_s=3 * HOUR,
        rpo_s=5 * HOUR,
        rto_target_s=4 * HOUR,
        rpo_target_s=HOUR + 30 * 60,
        rto_met=True,
        rpo_met=False,
    )
    Drill.objects.create(  # the fiscal year before: not in this plan
        scenario="flood",
        unit=bcp_org.unit,
        title="ซ้อมปีก่อน",
        started=datetime(2025, 9, 30, 16, 59, tzinfo=UTC),
        restored=datetime(2025, 9, 30, 18, 0, tzinfo=UTC),
        recorded_by="t",
    )
    return bcp_org


def thai_words(seconds: int) -> str:
    return thai_digits(format_duration_th(seconds))


def expected_phrases(b) -> list[str]:
    return [
        b.unit.name_th,
        "แผนบริหารความต่อเนื่องด้านเทคโนโลยีสารสนเทศ",
        "ปีงบประมาณ พ.ศ. ๒๕๖๙",
        thai_words(4 * HOUR),  # ๔ ชั่วโมง
        thai_words(HOUR + 30 * 60),  # ๑ ชั่วโมง ๓๐ นาที
        thai_words(2 * DAY),  # ๒ วัน
        thai_words(8 * HOUR),
        "บันทึกคำขอลงแบบฟอร์มกระดาษ บค.๑",
        "คู่มือการปฏิบัติงานเมื่อระบบล่ม",
        "แผนฉุกเฉินด้าน IT",
        "แผนรองรับเหตุอัคคีภัย",
        "แผนรองรับเหตุอุทกภัย",
        "แผนรองรับการโจมตีทางไซเบอร์",
        "ห้องเครื่องแม่ข่ายสำรองนอกอาคารหลัก",
        "สถานีดับเพลิง",
        "ห้องเครื่องแม่ข่ายไม่มีระบบดับเพลิงอัตโนมัติ",
        "นางสาววิภา รักษ์ระบบ",
        "ซ้อมกู้คืนฐานข้อมูล",
        "ไม่ผ่านเป้าหมาย",
        thai_words(5 * HOUR),  # the RPO measured in the drill
        "เครือข่ายภายใน (net)",  # critical, without a target: named
        "ยังไม่ได้รับการอนุมัติ",
    ]


def test_the_docx_reads_back_with_the_targets_in_thai_words_the_scenarios_and_the_unit(planned):
    text = docx_text(render_plan(planned.unit, FY, "docx"))
    for phrase in expected_phrases(planned):
        assert nfkd(phrase) in text, phrase
    assert "ซ้อมปีก่อน" not in text  # a drill of the fiscal year before


def test_the_pdf_reads_back_with_the_same_content(planned):
    data = render_plan(planned.unit, FY, "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for phrase in expected_phrases(planned):
        assert nfkd(phrase) in text, phrase
    assert "ซ้อมปีก่อน" not in text


def test_a_plan_of_a_unit_with_nothing_recorded_still_renders(bcp_org):
    text = pdf_text(render_plan(bcp_org.other, FY, "pdf"))
    assert nfkd("ยังไม่มีการซ้อมแผนหรือเหตุการณ์ที่บันทึกไว้ในปีงบประมาณนี้") in text
    assert nfkd("ยังไม่ได้กำหนดสถานการณ์ฉุกเฉินของหน่วยงาน") in text


def test_a_bad_fiscal_year_or_format_is_refused(bcp_org):
    with pytest.raises(InvalidInput, match="not a B.E. year"):
        render_plan(bcp_org.unit, 2026, "pdf")
    with pytest.raises(InvalidInput, match="unknown format odt"):
        render_plan(bcp_org.unit, FY, "odt")


def test_an_approval_keeps_both_documents_sealed_and_numbers_the_versions(planned):
    at = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)
    first = approve_plan(planned.unit, FY, approver=planned.head, approved_at=at, note="ครั้งแรก", actor="t")
    second = approve_plan(planned.unit, FY, approver=planned.head, actor="t")
    assert (first.version, second.version) == (1, 2)
    assert verify_approval(first) == []
    store = blob_store()
    for sha in (first.docx_sha256, first.pdf_sha256):
        assert store.verify(sha) and Blob.objects.filter(sha256=sha).exists()
    text = docx_text(approved_document(first, "docx"))
    assert nfkd("(นายสมศักดิ์ มั่นคง)") in text and nfkd("อนุมัติเมื่อ ๑ กุมภาพันธ์ ๒๕๖๙") in text
    assert nfkd("(นายสมศักดิ์ มั่นคง)") in pdf_text(approved_document(first, "pdf"))
    # the plan printed afterwards says which version was approved
    assert nfkd("แผนฉบับที่ ๒ ของปีงบประมาณนี้อนุมัติแล้ว") in docx_text(render_plan(planned.unit, FY, "docx"))
    # another fiscal year starts at version 1
    assert approve_plan(planned.unit, FY + 1, approver=planned.head, actor="t").version == 1


def test_a_changed_document_is_named_as_an_integrity_failure(planned):
    approval = approve_plan(planned.unit, FY, approver=planned.head, actor="t")
    path = blob_store().path(approval.pdf_sha256)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes().replace(b"%PDF", b"%PDX", 1))
    problems = verify_approval(approval)
    assert [(p.code, p.fmt) for p in problems] == [("blob_altered", "pdf")]
    assert approval.pdf_sha256 in problems[0].message_en and f"FY {FY} version 1" in problems[0].message_en
    with pytest.raises(IntegrityFailure, match="PDF file .* no longer matches its SHA-256"):
        approved_document(approval, "pdf")
    assert approved_document(approval, "docx")  # the other is intact


def test_a_missing_document_is_named(planned):
    approval = approve_plan(planned.unit, FY, approver=planned.head, actor="t")
    blob_store().path(approval.docx_sha256).unlink()
    problems = verify_approval(approval)
    assert [(p.code, p.fmt) for p in problems] == [("blob_missing", "docx")]
    with pytest.raises(IntegrityFailure, match="DOCX file .* is missing"):
        approved_document(approval, "docx")


def test_the_approver_must_be_a_person_and_the_time_aware_and_past(planned):
    with pytest.raises(InvalidInput, match="must be a person"):
        approve_plan(planned.unit, FY, approver="somsak", actor="t")
    with pytest.raises(InvalidInput, match="offset"):
        approve_plan(planned.unit, FY, approver=planned.head, approved_at=datetime(2026, 2, 1), actor="t")
    with pytest.raises(InvalidInput, match="future"):
        approve_plan(
            planned.unit, FY, approver=planned.head, approved_at=datetime(2999, 1, 1, tzinfo=UTC), actor="t"
        )
    assert not PlanApproval.objects.exists()


def test_a_failed_approval_leaves_no_document_behind(planned):
    from lakthan.core.models import Person

    unsaved = Person(unit=planned.unit, first_name_th="ไม่มี", last_name_th="ในทะเบียน")
    with pytest.raises(ValueError):
        approve_plan(planned.unit, FY, approver=unsaved, actor="t")
    assert list(blob_store().iter_all()) == [] and not Blob.objects.exists()
    assert not PlanApproval.objects.exists()


def test_a_plan_approved_at_a_past_moment_holds_the_register_and_drills_as_they_were_then(planned):
    before = approve_plan(
        planned.unit, FY, approver=planned.head, approved_at=datetime(2026, 2, 1, 3, 0, tzinfo=UTC), actor="t"
    )
    then = docx_text(approved_document(before, "docx"))
    assert "R-0001" not in then  # the risk was entered after 1 February
    assert nfkd("ซ้อมกู้คืนฐานข้อมูล") not in then  # the drill of 1 March had not happened
    now = docx_text(
        approved_document(approve_plan(planned.unit, FY, approver=planned.head, actor="t"), "docx")
    )
    assert "R-0001" in now and nfkd("ซ้อมกู้คืนฐานข้อมูล") in now
