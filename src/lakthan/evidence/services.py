"""Evidence services: add files and links, revisions, links to criteria, verification."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Unit
from lakthan.evidence.engines import uploads
from lakthan.evidence.engines.blobstore import BlobStore
from lakthan.evidence.models import Blob, Evidence, EvidenceLink, EvidenceRevision
from lakthan.indicators.models import IndicatorReport
from lakthan.indicators.services import criterion_result, ensure_open, round_period


def blob_store() -> BlobStore:
    return BlobStore(Path(settings.LAKTHAN_BLOB_DIR))


class UploadRefused(InvalidInput):
    pass


@dataclass(frozen=True)
class Metadata:
    title: str
    kind: str
    doc_no: str = ""
    doc_date: date | None = None
    effective_date: date | None = None
    expiry_date: date | None = None
    issuing_unit: Unit | None = None

    def validate(self) -> None:
        if not self.title.strip():
            raise InvalidInput("ต้องระบุชื่อหลักฐาน", "evidence needs a title")
        if self.kind not in Evidence.Kind.values:
            raise InvalidInput(
                f"ประเภทหลักฐาน '{self.kind}' ไม่ถูกต้อง",
                f"unknown evidence kind '{self.kind}' ({', '.join(Evidence.Kind.values)})",
            )
        if self.effective_date and self.expiry_date and self.expiry_date < self.effective_date:
            raise InvalidInput("วันหมดอายุอยู่ก่อนวันที่มีผล", "expiry date is before the effective date")


def _store_upload(stream: BinaryIO, filename: str) -> tuple[Blob, str]:
    """Checks the whole upload before storing anything; a refused file leaves nothing behind."""
    limit = settings.LAKTHAN_MAX_UPLOAD_BYTES
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        size = 0
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise UploadRefused(
                    f"ไฟล์ {filename} ใหญ่เกิน {limit // (1024 * 1024)} MB",
                    f"file {filename} is larger than {limit // (1024 * 1024)} MB",
                )
            spool.write(chunk)
        try:
            safe_name = uploads.safe_filename(filename)
            content_type = uploads.check_upload(spool, safe_name, max_bytes=limit)
        except uploads.UploadRejected as exc:
            raise UploadRefused(f"{filename}: {exc.reason_th}", f"{filename}: {exc.reason_en}") from None
        stored = blob_store().put_stream(spool, max_bytes=limit)
    blob, _ = Blob.objects.get_or_create(
        sha256=stored.sha256, defaults={"size": stored.size, "content_type": content_type}
    )
    return blob, safe_name


@transaction.atomic
def add_file(
    unit: Unit, stream: BinaryIO, filename: str, meta: Metadata, actor: str = audit.SYSTEM, check_run=None
) -> Evidence:
    meta.validate()
    blob, safe_name = _store_upload(stream, filename)
    evidence = _create(unit, meta, actor, check_run)
    EvidenceRevision.objects.create(
        evidence=evidence, number=1, blob=blob, filename=safe_name, created_by=actor
    )
    audit.record(actor, "evidence.add", evidence, after={"sha256": blob.sha256, "filename": safe_name})
    return evidence


@transaction.atomic
def add_link(unit: Unit, url: str, meta: Metadata, actor: str = audit.SYSTEM) -> Evidence:
    meta.validate()
    _check_url(url)
    evidence = _create(unit, meta, actor, None)
    EvidenceRevision.objects.create(evidence=evidence, number=1, url=url, created_by=actor)
    audit.record(actor, "evidence.add", evidence, after={"url": url})
    return evidence


def _check_url(url: str) -> None:
    if not url.startswith(("https://", "http://")) or len(url) > 1000:
        raise InvalidInput(
            f"ลิงก์ '{url}' ไม่ถูกต้อง (ต้องขึ้นต้นด้วย http:// หรือ https://)",
            f"link '{url}' is invalid (must start with http:// or https://)",
        )


def _create(unit: Unit, meta: Metadata, actor: str, check_run) -> Evidence:
    return Evidence.objects.create(
        unit=unit,
        title=meta.title.strip(),
        kind=meta.kind,
        doc_no=meta.doc_no.strip(),
        doc_date=meta.doc_date,
        effective_date=meta.effective_date,
        expiry_date=meta.expiry_date,
        issuing_unit=meta.issuing_unit,
        created_by=actor,
        check_run=check_run,
    )


@transaction.atomic
def add_revision(
    evidence: Evidence,
    *,
    stream: BinaryIO | None = None,
    filename: str = "",
    url: str = "",
    note: str = "",
    actor: str = audit.SYSTEM,
) -> EvidenceRevision:
    """A new file or link for existing evidence; earlier revisions stay as they were."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    number = evidence.revisions.count() + 1
    if stream is not None:
        blob, safe_name = _store_upload(stream, filename)
        revision = EvidenceRevision.objects.create(
            evidence=evidence, number=number, blob=blob, filename=safe_name, note=note, created_by=actor
        )
    elif url:
        _check_url(url)
        revision = EvidenceRevision.objects.create(
            evidence=evidence, number=number, url=url, note=note, created_by=actor
        )
    else:
        raise InvalidInput("ต้องมีไฟล์หรือลิงก์", "a revision needs a file or a link")
    audit.record(actor, "evidence.revise", evidence, after={"revision": number})
    return revision


def get_evidence(pk: int) -> Evidence:
    try:
        return Evidence.objects.get(pk=pk)
    except Evidence.DoesNotExist:
        raise NotFound(f"ไม่พบหลักฐานหมายเลข {pk}", f"no evidence #{pk}") from None


@transaction.atomic
def link(
    evidence: Evidence, report: IndicatorReport, number: int | None, actor: str = audit.SYSTEM
) -> EvidenceLink:
    """Links evidence to item `number` of the report (None: to the report as a whole)."""
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    ensure_open(report)
    criterion = criterion_result(report, number).criterion if number is not None else None
    link_row, created = EvidenceLink.objects.get_or_create(
        evidence=evidence, report=report, criterion=criterion
    )
    if created:
        audit.record(actor, "evidence.link", link_row, after={"evidence": evidence.pk, "item": number})
    return link_row


@transaction.atomic
def unlink(
    evidence: Evidence, report: IndicatorReport, number: int | None, actor: str = audit.SYSTEM
) -> None:
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    ensure_open(report)
    rows = (
        EvidenceLink.objects.filter(evidence=evidence, report=report, criterion__number=number)
        if number
        else EvidenceLink.objects.filter(evidence=evidence, report=report, criterion__isnull=True)
    )
    for row in rows:
        audit.record(actor, "evidence.unlink", row, before=audit.snapshot(row), after=None)
    rows.delete()


def is_current(evidence: Evidence, on: date) -> bool:
    """In force on the given day: already effective and not yet expired."""
    if evidence.effective_date and evidence.effective_date > on:
        return False
    return not (evidence.expiry_date and evidence.expiry_date < on)


def current_evidence_by_criterion(
    report: IndicatorReport, exclude_check_urns: tuple[str, ...] = ()
) -> dict[int, list[Evidence]]:
    """For each item number: the linked evidence that is in force at the end of the round."""
    _, end = round_period(report.round)
    found: dict[int, list[Evidence]] = {c.number: [] for c in report.indicator.criteria.all()}
    links = report.evidence_links.filter(criterion__isnull=False).select_related(
        "evidence__check_run", "criterion"
    )
    for row in links:
        ev = row.evidence
        if ev.check_run is not None and ev.check_run.check_urn in exclude_check_urns:
            continue
        if row.criterion is not None and is_current(ev, end) and ev.revisions.exists():
            found[row.criterion.number].append(ev)
    return found


@dataclass(frozen=True)
class Reference:
    number: int
    evidence: Evidence
    revision: EvidenceRevision
    items: list[int]


def references(report: IndicatorReport) -> list[Reference]:
    """The report's numbered evidence references: each linked evidence once, in the order first linked."""
    order: dict[int, Reference] = {}
    for row in report.evidence_links.select_related("evidence", "criterion").order_by("pk"):
        ref = order.get(row.evidence_id)
        if ref is None:
            revision = row.evidence.revisions.latest("number")  # evidence is created with its first
            ref = order[row.evidence_id] = Reference(len(order) + 1, row.evidence, revision, [])
        if row.criterion is not None and row.criterion.number not in ref.items:
            ref.items.append(row.criterion.number)
    return list(order.values())


@dataclass(frozen=True)
class BlobProblem:
    sha256: str
    kind: str  # altered | missing
    titles: list[str]


def verify_blobs() -> tuple[int, list[BlobProblem]]:
    """Re-hashes every stored blob; names each one that no longer matches, with the evidence using it."""
    shas = list(Blob.objects.values_list("sha256", flat=True))
    problems = []
    for mismatch in blob_store().verify_all(shas):
        titles = sorted(
            {
                r.evidence.title
                for r in EvidenceRevision.objects.filter(blob_id=mismatch.sha256).select_related("evidence")
            }
        )
        problems.append(BlobProblem(mismatch.sha256, mismatch.kind, titles))
    return len(shas), problems


def store_check_artefacts(run, report: IndicatorReport, artefacts, criteria: list[int]) -> list[Evidence]:
    """A check's artefacts become system-generated evidence linked to the criteria the check supports."""
    import io

    stored = []
    _, end = round_period(report.round)
    for art in artefacts:
        meta = Metadata(title=art.title_th, kind=Evidence.Kind.SYSTEM, doc_date=end)
        evidence = add_file(
            report.round.agreement.unit,
            io.BytesIO(art.data),
            art.filename,
            meta,
            actor=f"check:{run.check_urn}",
            check_run=run,
        )
        numbers: list[int | None] = list(criteria) if criteria else [None]  # None: the whole report
        for number in numbers:
            link(evidence, report, number, actor=f"check:{run.check_urn}")
        stored.append(evidence)
    return stored
