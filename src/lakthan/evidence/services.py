"""Evidence services: add files and links, revisions, links to criteria, verification."""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
from lakthan.lib.text import clean_line


def blob_store() -> BlobStore:
    return BlobStore(Path(settings.LAKTHAN_BLOB_DIR))


class UploadRefused(InvalidInput):
    pass


class SystemKindRefused(InvalidInput):
    """A person (form, API, CLI) asked for kind 'system': only a check run makes system-generated
    evidence, so that the label tells an evaluator the file came from the control, not from a person."""

    def __init__(self) -> None:
        super().__init__(
            "หลักฐานประเภท 'สร้างโดยระบบ' สร้างได้โดยการตรวจสอบของระบบเท่านั้น กรุณาเลือกประเภทอื่น",
            "evidence of kind 'system' (system-generated) is made only by a check run; choose another kind",
        )


@dataclass(frozen=True)
class Metadata:
    title: str
    kind: str
    doc_no: str = ""
    doc_date: date | None = None
    effective_date: date | None = None
    expiry_date: date | None = None
    issuing_unit: Unit | None = None

    def validate(self, *, system: bool = False) -> None:
        """`system`: only store_check_artefacts (a check run) may register system-generated evidence."""
        if not clean_line(self.title):
            raise InvalidInput("ต้องระบุชื่อหลักฐาน", "evidence needs a title")
        if self.kind not in Evidence.Kind.values:
            raise InvalidInput(
                f"ประเภทหลักฐาน '{self.kind}' ไม่ถูกต้อง",
                f"unknown evidence kind '{self.kind}' ({', '.join(Evidence.Kind.values)})",
            )
        if self.kind == Evidence.Kind.SYSTEM and not system:
            raise SystemKindRefused()
        if self.effective_date and self.expiry_date and self.expiry_date < self.effective_date:
            raise InvalidInput("วันหมดอายุอยู่ก่อนวันที่มีผล", "expiry date is before the effective date")


_NEW_BLOBS: ContextVar[list[str] | None] = ContextVar("new_blobs", default=None)


@contextmanager
def removing_orphans() -> Iterator[None]:
    """Around a write that stores files: when it fails, the files it placed that no record refers to
    once its transaction is undone are removed (a failed upload leaves nothing in the store). Use it
    outside the transaction; nested uses hand what they placed to the outer one."""
    outer, mine = _NEW_BLOBS.get(), list[str]()
    token = _NEW_BLOBS.set(mine)
    try:
        yield
    except BaseException:
        for sha in mine:
            if not Blob.objects.filter(sha256=sha).exists():
                blob_store().remove_orphan(sha)
        raise
    else:
        if outer is not None:
            outer.extend(mine)
    finally:
        _NEW_BLOBS.reset(token)


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
    placed = _NEW_BLOBS.get()
    if stored.new and placed is not None:
        placed.append(stored.sha256)
    blob, _ = Blob.objects.get_or_create(
        sha256=stored.sha256, defaults={"size": stored.size, "content_type": content_type}
    )
    return blob, safe_name


@removing_orphans()
@transaction.atomic
def add_file(
    unit: Unit, stream: BinaryIO, filename: str, meta: Metadata, actor: str = audit.SYSTEM
) -> Evidence:
    """A person's (or the demo's) file; kind 'system' is refused (see store_check_artefacts)."""
    meta.validate()
    return _add_file(unit, stream, filename, meta, actor)


def _add_file(
    unit: Unit, stream: BinaryIO, filename: str, meta: Metadata, actor: str, check_run=None, source_key=""
) -> Evidence:
    blob, safe_name = _store_upload(stream, filename)
    evidence = _create(unit, meta, actor, check_run, source_key)
    EvidenceRevision.objects.create(
        evidence=evidence,
        number=1,
        blob=blob,
        filename=safe_name,
        note=_run_note(check_run),
        created_by=actor,
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


def _create(unit: Unit, meta: Metadata, actor: str, check_run, source_key: str = "") -> Evidence:
    return Evidence.objects.create(
        unit=unit,
        title=clean_line(meta.title),
        kind=meta.kind,
        doc_no=clean_line(meta.doc_no),
        doc_date=meta.doc_date,
        effective_date=meta.effective_date,
        expiry_date=meta.expiry_date,
        issuing_unit=meta.issuing_unit,
        created_by=actor,
        check_run=check_run,
        source_key=source_key,
    )


@removing_orphans()
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
    """A new file or link for existing evidence; earlier revisions stay as they were. System-generated
    evidence takes new revisions only from the system (its check, see store_check_artefacts)."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.kind == Evidence.Kind.SYSTEM and not is_system_actor(actor):
        raise InvalidInput(
            "หลักฐานที่สร้างโดยระบบรับฉบับใหม่จากการตรวจสอบของระบบเท่านั้น (สั่งตรวจสอบใหม่แทนการอัปโหลด)",
            "system-generated evidence takes new revisions only from its check (run the checks again "
            "instead of uploading)",
        )
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
    """The report's numbered evidence references: each linked evidence once, in the order first linked,
    the agency's own list first and what the checks generated after it (as the seed lists its
    documents, then the system appends its own)."""
    order: dict[int, Reference] = {}
    links = report.evidence_links.select_related("evidence", "criterion").order_by("pk")
    for row in sorted(links, key=lambda link: link.evidence.kind == Evidence.Kind.SYSTEM):  # stable
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


# --- a check run's artefacts ----------------------------------------------------------------------


def check_actor(check_urn: str) -> str:
    """The actor a check run writes as ("check:<urn>"); no account name can contain a colon."""
    return f"check:{check_urn}"


def is_system_actor(actor: str) -> bool:
    return actor == audit.SYSTEM or actor.startswith("check:")


def artefact_key(check_urn: str, report_id: int, start: date, end: date, filename: str) -> str:
    """Evidence.source_key of a check's artefact: "<check urn>|<report id>|<start>..<end>|<file name>".
    The report stands for the unit, the round and the indicator; a later run of the same check over
    the same period that yields a file of the same name adds a revision to that evidence."""
    return f"{check_urn}|{report_id}|{start.isoformat()}..{end.isoformat()}|{filename}"


RUN_NOTE = re.compile(r"check run #(\d+)")


def _run_note(run) -> str:
    """The note on a revision a check run stored; run_id_of reads it back."""
    return f"check run #{run.pk}" if run is not None else ""


def run_id_of(revision: EvidenceRevision) -> int | None:
    """The CheckRun a system-generated revision came from (None for a person's revision)."""
    match = RUN_NOTE.fullmatch(revision.note) if revision.created_by.startswith("check:") else None
    return int(match.group(1)) if match else None


@transaction.atomic
def store_check_artefacts(run, report: IndicatorReport, artefacts, criteria: list[int]) -> list[Evidence]:
    """A check's artefacts become system-generated evidence linked to the criteria the check supports
    (none: to the report as a whole), one piece of evidence per artefact key (see artefact_key).

    A run that finds its evidence already there adds a revision only when the bytes differ (earlier
    revisions stay as history), points the evidence at itself and takes the artefact's new title;
    links are made once. On a signed report the files are still stored (a new revision, or new
    evidence not linked to anything) but no link changes: the signature covers the links and the
    revisions it pinned, and the report page shows what is newer until it is reopened and signed.
    """
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)  # one run at a time
    actor = check_actor(run.check_urn)
    numbers: list[int | None] = list(criteria) if criteria else [None]
    stored = []
    for art in artefacts:
        key = artefact_key(run.check_urn, report.pk, run.period_start, run.period_end, art.filename)
        evidence = (
            Evidence.objects.filter(unit=run.unit, kind=Evidence.Kind.SYSTEM, source_key=key)
            .order_by("pk")
            .first()
        )
        if evidence is None:
            # no document date: the file did not exist in the period it covers (the report dates it
            # by its run, see reports.services)
            meta = Metadata(title=art.title_th, kind=Evidence.Kind.SYSTEM)
            meta.validate(system=True)
            evidence = _add_file(
                run.unit, io.BytesIO(art.data), art.filename, meta, actor, check_run=run, source_key=key
            )
        else:
            _refresh_artefact(evidence, run, art, actor)
        if not report.is_signed:
            for number in numbers:
                link(evidence, report, number, actor=actor)
        stored.append(evidence)
    return stored


def _refresh_artefact(evidence: Evidence, run, art, actor: str) -> None:
    current = evidence.current
    if current is None or current.blob_id != hashlib.sha256(art.data).hexdigest():
        add_revision(
            evidence, stream=io.BytesIO(art.data), filename=art.filename, note=_run_note(run), actor=actor
        )
    title = art.title_th.strip()
    if title and title != evidence.title:
        audit.record(
            actor, "evidence.retitle", evidence, before={"title": evidence.title}, after={"title": title}
        )
        evidence.title = title
    evidence.check_run = run
    evidence.save(update_fields=["title", "check_run"])
