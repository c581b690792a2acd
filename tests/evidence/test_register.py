import io
from datetime import date

import pytest

from lakthan.checks.checks import URN as COMPLETENESS
from lakthan.checks.models import CheckRun
from lakthan.checks.services import propose_results, run_check
from lakthan.core.errors import Locked
from lakthan.evidence import services as ev
from lakthan.evidence.models import Blob, Evidence, EvidenceRevision
from lakthan.indicators import services as ind
from lakthan.reports import sealing
from tests.conftest import pdf_bytes


def add_pdf(org, title="คำสั่งแต่งตั้งคณะทำงาน", **meta):
    return ev.add_file(
        org.bureau, io.BytesIO(pdf_bytes(title)), "order.pdf", ev.Metadata(title=title, kind="order", **meta)
    )


def test_file_is_stored_by_sha256_and_revisions_are_kept(org):
    import hashlib

    evidence = add_pdf(org, doc_no="ที่ 1/2556", doc_date=date(2013, 7, 11))
    rev1 = evidence.current
    assert rev1.blob_id == hashlib.sha256(pdf_bytes("คำสั่งแต่งตั้งคณะทำงาน")).hexdigest()
    assert ev.blob_store().path(rev1.blob_id).read_bytes() == pdf_bytes("คำสั่งแต่งตั้งคณะทำงาน")
    ev.add_revision(evidence, stream=io.BytesIO(pdf_bytes("v2")), filename="order-v2.pdf", note="แก้ไข")
    assert [r.number for r in evidence.revisions.all()] == [1, 2]
    assert evidence.current.blob_id != rev1.blob_id
    assert EvidenceRevision.objects.get(pk=rev1.pk).blob_id == rev1.blob_id  # the old revision is untouched


def test_refused_upload_leaves_nothing(org):
    with pytest.raises(ev.UploadRefused):
        ev.add_file(
            org.bureau, io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "tool.pdf", ev.Metadata("x", "form")
        )
    assert not Evidence.objects.exists() and not Blob.objects.exists()
    root = ev.blob_store().root
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_verify_names_a_tampered_blob(org):
    evidence = add_pdf(org)
    checked, problems = ev.verify_blobs()
    assert (checked, problems) == (1, [])
    path = ev.blob_store().path(evidence.current.blob_id)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"tampered")
    checked, problems = ev.verify_blobs()
    assert [(p.sha256, p.kind, p.titles) for p in problems] == [
        (evidence.current.blob_id, "altered", [evidence.title])
    ]


def test_links_follow_the_report_lock(org):
    evidence = add_pdf(org)
    ev.link(evidence, org.report, 1)
    for n in range(1, 11):
        ind.set_result(org.report, n, "met")
    sealing.sign(org.report, org.supervisor)
    with pytest.raises(Locked):
        ev.link(evidence, org.report, 2)
    with pytest.raises(Locked):
        ev.unlink(evidence, org.report, 1)


def test_references_number_each_evidence_once_in_link_order(org):
    a, b = add_pdf(org, "ก"), add_pdf(org, "ข")
    ev.link(b, org.report, 2)
    ev.link(a, org.report, None)
    ev.link(b, org.report, 3)
    refs = ev.references(org.report)
    assert [(r.number, r.evidence.title, r.items) for r in refs] == [(1, "ข", [2, 3]), (2, "ก", [])]


def test_completeness_check_and_proposals_count_only_evidence_in_force(org):
    current = add_pdf(org, "นโยบายความมั่นคงปลอดภัย", effective_date=date(2013, 1, 1))
    expired = add_pdf(org, "คู่มือเก่า", expiry_date=date(2013, 6, 30))
    future = add_pdf(org, "แผนปีหน้า", effective_date=date(2013, 10, 1))
    ev.link(current, org.report, 2)
    ev.link(expired, org.report, 1)
    ev.link(future, org.report, 3)

    run = run_check(COMPLETENESS, org.report)
    assert run.status == CheckRun.Status.PARTLY
    assert run.figures["covered"] == [2] and 1 in run.figures["missing"] and 3 in run.figures["missing"]
    artefact = run.artefacts.get()
    assert artefact.kind == Evidence.Kind.SYSTEM
    assert not artefact.links.filter(criterion__isnull=False).exists()  # the table is not evidence for items
    csv_text = ev.blob_store().path(artefact.current.blob_id).read_text(encoding="utf-8-sig")
    assert "นโยบายความมั่นคงปลอดภัย" in csv_text and "คู่มือเก่า" not in csv_text

    proposals = propose_results(org.report)
    assert proposals[2][0] == "met"
    assert proposals[1][0] == "not_met" and proposals[3][0] == "not_met"
    assert org.report.results.get(criterion__number=2).proposed_status == "met"
    assert org.report.results.get(criterion__number=2).status == "undecided"  # proposals never decide
