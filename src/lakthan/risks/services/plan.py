"""The continuity plan of a unit for a fiscal year: rendered from the records whenever it is asked for
(DOCX and PDF), and approved — the two documents rendered at that moment are kept in the evidence blob
store by SHA-256 and a PlanApproval names them. An approval is never changed; reading its documents
back re-hashes them and a changed or missing file is an integrity failure, named."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import IntegrityFailure, InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.evidence.models import Blob
from lakthan.evidence.services import blob_store
from lakthan.reports import keep_whole
from lakthan.reports.fonts import BODY_PT, page_margin_css, report_font
from lakthan.reports.render_html import css_string
from lakthan.reports.render_pdf import render_pdf_from_html
from lakthan.risks.models import PlanApproval
from lakthan.risks.services import plan_content as h
from lakthan.risks.services.plan_content import PlanView, plan_view
from lakthan.risks.services.plan_docx import render_plan_docx

FORMATS = ("docx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FOOTER_PT = 12
FIRST_FY, LAST_FY = 2500, 2700  # B.E. years a plan may be for


def check_fiscal_year(fiscal_year) -> int:
    if (
        isinstance(fiscal_year, bool)
        or not isinstance(fiscal_year, int)
        or not FIRST_FY <= fiscal_year <= LAST_FY
    ):
        raise InvalidInput(
            f"ปีงบประมาณ {fiscal_year} ไม่ถูกต้อง (ปี พ.ศ. เช่น ๒๕๖๙)",
            f"fiscal year {fiscal_year} is not a B.E. year such as 2569",
        )
    return fiscal_year


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput(f"ไม่รู้จักรูปแบบ {fmt} (docx หรือ pdf)", f"unknown format {fmt} (docx or pdf)")
    return fmt


def plan_html(view: PlanView) -> str:
    font = report_font()
    thai_digits = settings.LAKTHAN_THAI_DIGITS
    context = {
        "v": view,
        "h": {
            "title": h.TITLE,
            "subtitle": h.SUBTITLE,
            "purpose": h.H_PURPOSE,
            "risks": h.H_RISKS,
            "targets": h.H_TARGETS,
            "manual": h.H_MANUAL,
            "scenarios": h.H_SCENARIOS,
            "drills": h.H_DRILLS,
            "approval": h.H_APPROVAL,
            "risks_head": h.RISKS_HEAD,
            "targets_head": h.TARGETS_HEAD,
            "drills_head": h.DRILLS_HEAD,
            "contacts_head": h.CONTACTS_HEAD,
        },
        "has_manual": any(s.manual for s in view.systems),
        "font_family": font.family,
        "body_pt": font.pt(BODY_PT),
        "footer_pt": font.pt(FOOTER_PT),
        "line_height": font.line_height,
        "page_margin": page_margin_css(),
        "counter_style": "thai" if thai_digits else "decimal",
        "css_footer": css_string(f"{h.TITLE} {view.unit} · {view.printed}"),
        "css_page": css_string("หน้า "),
    }
    return keep_whole.html_page(render_to_string("risks/plan_pdf.html", context), view.names)


def _render(view: PlanView, fmt: str, when: datetime) -> bytes:
    return render_plan_docx(view, when) if fmt == "docx" else render_pdf_from_html(plan_html(view))


def render_plan(unit: Unit, fiscal_year: int, fmt: str) -> bytes:
    """The plan as the records stand now, as DOCX or PDF bytes."""
    check_fiscal_year(fiscal_year)
    _check_format(fmt)
    now = timezone.now()
    return _render(plan_view(unit, fiscal_year), fmt, now)


def _store(data: bytes, fmt: str, placed: list[str]) -> str:
    stored = blob_store().put_stream(io.BytesIO(data))
    if stored.new:
        placed.append(stored.sha256)
    Blob.objects.get_or_create(
        sha256=stored.sha256, defaults={"size": stored.size, "content_type": CONTENT_TYPES[fmt]}
    )
    return stored.sha256


def approve_plan(
    unit: Unit,
    fiscal_year: int,
    *,
    approver: Person,
    approved_at: datetime | None = None,
    note: str = "",
    actor: str,
) -> PlanApproval:
    """Renders the plan (both formats) as approved by ``approver`` at ``approved_at`` (default now),
    keeps the documents in the evidence store and records the next version for the unit and year.
    When it fails, the files it placed that no record refers to are removed again."""
    placed: list[str] = []
    try:
        return _approve(unit, fiscal_year, approver, approved_at, note, actor, placed)
    except BaseException:
        for sha in placed:
            if not Blob.objects.filter(sha256=sha).exists():
                blob_store().remove_orphan(sha)
        raise


@transaction.atomic
def _approve(
    unit: Unit,
    fiscal_year: int,
    approver: Person,
    approved_at: datetime | None,
    note: str,
    actor: str,
    placed: list[str],
) -> PlanApproval:
    check_fiscal_year(fiscal_year)
    if not isinstance(approver, Person):
        raise InvalidInput("ผู้อนุมัติต้องเป็นบุคคลในทะเบียน", "the approver must be a person of the register")
    at = approved_at or timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput("เวลาอนุมัติต้องระบุเขตเวลา", "the approval time must carry its offset")
    if at > timezone.now() + timedelta(minutes=5):
        raise InvalidInput("เวลาอนุมัติอยู่ในอนาคต", "the approval time is in the future")
    # one approval at a time per unit and year: the version numbers are taken under the unit's lock
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    view = plan_view(unit, fiscal_year, approver=approver, at=at)
    digests = {fmt: _store(_render(view, fmt, at), fmt, placed) for fmt in FORMATS}
    latest = PlanApproval.objects.filter(unit=unit, fiscal_year=fiscal_year).aggregate(n=Max("version"))["n"]
    approval = PlanApproval.objects.create(
        unit=unit,
        fiscal_year=fiscal_year,
        version=(latest or 0) + 1,
        approved_by=approver,
        approved_at=at,
        docx_sha256=digests["docx"],
        pdf_sha256=digests["pdf"],
        note=(note or "").strip(),
        recorded_by=actor,
    )
    audit.record(actor, "risks.plan.approve", approval)
    return approval


def approvals(unit: Unit, fiscal_year: int | None = None):
    qs = PlanApproval.objects.filter(unit=unit).select_related("approved_by", "unit")
    return qs if fiscal_year is None else qs.filter(fiscal_year=fiscal_year)


def get_approval(unit: Unit, fiscal_year: int, version: int) -> PlanApproval:
    found = approvals(unit, fiscal_year).filter(version=version).first()
    if found is None:
        raise NotFound(
            f"ไม่พบแผนของ {unit.code} ปีงบประมาณ {fiscal_year} ฉบับที่ {version}",
            f"no plan of {unit.code} for FY {fiscal_year} version {version}",
        )
    return found


@dataclass(frozen=True)
class Problem:
    code: str  # blob_missing | blob_altered
    fmt: str
    sha256: str
    message_th: str
    message_en: str


def verify_approval(approval: PlanApproval) -> list[Problem]:
    """Every stored document of the approval that is missing or no longer matches its SHA-256 (empty:
    sealed)."""
    store, problems = blob_store(), []
    label_th = f"แผนของ {approval.unit.code} ปีงบประมาณ {approval.fiscal_year} ฉบับที่ {approval.version}"
    label_en = f"plan of {approval.unit.code} FY {approval.fiscal_year} version {approval.version}"
    for fmt, sha in (("docx", approval.docx_sha256), ("pdf", approval.pdf_sha256)):
        if not store.exists(sha):
            problems.append(
                Problem(
                    "blob_missing",
                    fmt,
                    sha,
                    f"{label_th}: ไม่พบไฟล์ {fmt.upper()} {sha} ในคลังไฟล์",
                    f"{label_en}: the {fmt.upper()} file {sha} is missing from the blob store",
                )
            )
        elif not store.verify(sha):
            problems.append(
                Problem(
                    "blob_altered",
                    fmt,
                    sha,
                    f"{label_th}: ไฟล์ {fmt.upper()} {sha} ถูกแก้ไข ไม่ตรงกับ SHA-256 ของมัน",
                    f"{label_en}: the {fmt.upper()} file {sha} no longer matches its SHA-256",
                )
            )
    return problems


def approved_document(approval: PlanApproval, fmt: str) -> bytes:
    """The document as approved, re-hashed as it is read: IntegrityFailure naming it when it is missing
    or was changed."""
    _check_format(fmt)
    for problem in verify_approval(approval):
        if problem.fmt == fmt:
            raise IntegrityFailure(problem.message_th, problem.message_en)
    sha = approval.docx_sha256 if fmt == "docx" else approval.pdf_sha256
    with blob_store().open(sha) as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != sha:  # changed between the check and the read
        raise IntegrityFailure(f"ไฟล์ {sha} ถูกแก้ไขระหว่างอ่าน", f"the file {sha} changed while it was read")
    return data
