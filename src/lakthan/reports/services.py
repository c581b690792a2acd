"""Builds the report context from the database, renders it, and assembles the evidence pack."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

import lakthan
from lakthan.checks.models import CheckRun
from lakthan.core.errors import InvalidInput
from lakthan.evidence.models import Evidence
from lakthan.evidence.services import blob_store, references, run_id_of
from lakthan.indicators.models import Assignment, CriterionResult, IndicatorReport
from lakthan.indicators.services import compute_score, people, round_period, scheme_of
from lakthan.lib.timezones import BANGKOK
from lakthan.reports.context import (
    CriterionLine,
    EvidenceRef,
    ReportContext,
    ScoringLevels,
    context_from_json,
)

FORMATS = ("docx", "pdf", "html")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def _agency(report: IndicatorReport) -> str:
    unit = report.round.agreement.unit
    top = ([unit] + unit.ancestors())[-1]
    return top.name_th


def _level_labels(report: IndicatorReport) -> list[str]:
    scheme = scheme_of(report.indicator)
    labels = [_plain(t) for t in scheme.thresholds] if scheme.thresholds else ["1", "2", "3", "4", "5"]
    if scheme.kind == "count":
        labels[-1] = "≥" + labels[-1]
    return labels


def _plain(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pack_name(ref_no: int, title: str, filename: str) -> str:
    suffix = Path(filename).suffix.lower() if filename else ""
    stem = re.sub(r"[^\w\u0E00-\u0E7F-]+", "-", title).strip("-")[:60] or "evidence"
    return f"evidence/{ref_no:02d}-{stem}{suffix}"


def _evidence_ref(ref) -> EvidenceRef:
    """One numbered reference. System-generated evidence is dated by the run that produced the cited
    revision (the day it ran, the period it covered), never by a document date it never had."""
    evidence, revision = ref.evidence, ref.revision
    produced_on = covers_start = covers_end = None
    if evidence.kind == Evidence.Kind.SYSTEM:
        run_id = run_id_of(revision)
        run = CheckRun.objects.filter(pk=run_id).first() if run_id else evidence.check_run
        produced_on = timezone.localdate(run.finished_at if run else revision.created_at, BANGKOK)
        if run is not None:
            covers_start, covers_end = run.period_start, run.period_end
    return EvidenceRef(
        number=ref.number,
        title=evidence.title,
        doc_no=evidence.doc_no,
        doc_date=None if evidence.kind == Evidence.Kind.SYSTEM else evidence.doc_date,
        sha256=revision.blob_id or "",
        url=revision.url,
        filename=_pack_name(ref.number, evidence.title, revision.filename) if revision.blob_id else "",
        kind=evidence.kind,
        produced_on=produced_on,
        covers_start=covers_start,
        covers_end=covers_end,
    )


def control_findings(report: IndicatorReport) -> dict[int, list[str]]:
    """Per item: the latest summary of each control check that feeds it (not the completeness table)."""
    from lakthan.checks import registry
    from lakthan.checks.checks import URN as COMPLETENESS
    from lakthan.checks.services import latest_runs

    runs = latest_runs(report)
    found: dict[int, list[str]] = {}
    for criterion in report.indicator.criteria.all():
        for urn in criterion.check_urns:
            run, check = runs.get(urn), registry.get(urn)
            if run is not None and check is not None and urn != COMPLETENESS:
                found.setdefault(criterion.number, []).append(f"{check.title_th}: {run.summary_th}")
    return found


def build_context(report: IndicatorReport, *, thai: bool | None = None) -> ReportContext:
    """What the report says. A signed report says only what its signature pinned (the pin's "context",
    see reports/sealing.py), dated at the signature, so it renders to the same bytes every time; a
    draft, or a report signed before signatures pinned anything, is built from the live data."""
    thai_digits = settings.LAKTHAN_THAI_DIGITS if thai is None else thai
    if report.is_signed and report.pinned is not None:
        pinned = context_from_json(report.pinned["context"])
        return dataclasses.replace(pinned, generated_at=pinned.signed_at, thai_digits=thai_digits)
    return dataclasses.replace(
        build_live_context(report), generated_at=timezone.now(), thai_digits=thai_digits
    )


def build_live_context(report: IndicatorReport) -> ReportContext:
    """The context from the current library, results, texts and latest evidence revisions (no
    generated_at: the caller dates it)."""
    start, end = round_period(report.round)
    score = compute_score(report)
    refs = references(report)
    by_item: dict[int, list[int]] = {}
    for ref in refs:
        for number in ref.items:
            by_item.setdefault(number, []).append(ref.number)
    results = report.results.select_related("criterion").order_by("criterion__number")
    findings = control_findings(report)
    indicator = report.indicator
    parent = indicator.parent
    supervisors = people(report, Assignment.Role.SUPERVISOR)
    collectors = people(report, Assignment.Role.COLLECTOR)
    supervisor = supervisors[0] if supervisors else None
    return ReportContext(
        agency_th=_agency(report),
        unit_th=report.round.agreement.unit.name_th,
        fiscal_year=report.round.agreement.fiscal_year,
        round_months=report.round.months,
        round_start=start,
        round_end=end,
        indicator_code=indicator.code,
        indicator_name=indicator.name_th,
        parent_indicator=f"{parent.code} {parent.name_th}" if parent else "",
        supervisor=supervisor.display_name if supervisor else "",
        collectors=[p.display_name for p in collectors],
        phone=report.phone,
        supervisor_phone=(supervisor.phone if supervisor else "") or report.phone,
        collectors_phone=report.phone or next((p.phone for p in collectors if p.phone), ""),
        supervisor_position=supervisor.position_th if supervisor else "",
        signed_by_position=report.signed_by.position_th if report.signed_by else "",
        criteria=[
            CriterionLine(
                number=r.criterion.number,
                title=r.criterion.title_th,
                explanation=list(r.criterion.explanation_th),
                met=None
                if r.status == CriterionResult.Status.UNDECIDED
                else r.status == CriterionResult.Status.MET,
                evidence_refs=by_item.get(r.criterion.number, []),
                findings=findings.get(r.criterion.number, []),
            )
            for r in results
        ],
        criteria_total=score.items_total,
        scoring=ScoringLevels(labels=_level_labels(report), weight=score.weight),
        scoring_note=[line for line in indicator.scoring_note_th.splitlines() if line.strip()],
        result_value=score.result_value,
        score=score.score,
        weighted_score=score.weighted_score,
        actions_taken=list(report.actions_taken),
        supporting_factors=list(report.supporting_factors),
        obstacles=list(report.obstacles),
        suggestions=list(report.suggestions),
        evidence=[_evidence_ref(ref) for ref in refs],
        signed=report.is_signed,
        signed_by=report.signed_by.display_name if report.signed_by else "",
        signed_at=report.signed_at,
    )


def render(
    report: IndicatorReport, fmt: str, *, thai: bool | None = None, context: ReportContext | None = None
) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"รูปแบบรายงาน '{fmt}' ไม่รองรับ (docx, pdf, html)",
            f"unsupported report format '{fmt}' (docx, pdf, html)",
        )
    ctx = context or build_context(report, thai=thai)
    if fmt == "html":
        from lakthan.reports.render_html import render_html

        return render_html(ctx).encode("utf-8")
    if fmt == "pdf":
        from lakthan.reports.render_pdf import render_pdf

        return render_pdf(ctx)
    from lakthan.reports.render_docx import render_docx

    return render_docx(ctx)


def pack_proofs(report: IndicatorReport) -> list:
    """The proofs a pack ships: those a signed report pinned (under "proofs"), else the current ones."""
    from lakthan.reports import proofs

    pinned = report.pinned if report.is_signed else None
    if isinstance(pinned, dict) and "proofs" in pinned:
        return proofs.from_json(pinned["proofs"])
    return proofs.collect(report)


def build_pack(report: IndicatorReport, out: Path, *, signer, created_at=None):
    """The evaluator's zip: index (HTML, PDF), the report in three formats, every evidence file, the
    proofs, the agency's public key, the manifest and its Ed25519 signature by ``signer``, SHA256SUMS.
    Dated at the signature for a signed report (the same pinned report packs to the same bytes), else
    now. Callers go through reports.issuing.issue_pack, which records what was issued."""
    from lakthan.evidence.engines.pack import PackEntry
    from lakthan.evidence.engines.pack import build_pack as write_pack
    from lakthan.reports.render_pack_index import render_pack_index
    from lakthan.reports.render_pdf import render_pdf_from_html

    ctx = build_context(report)
    store = blob_store()
    entries = [
        PackEntry(
            ref_no=ref.number,
            title=ref.title,
            source_path=store.path(ref.sha256) if ref.sha256 else None,
            data=None,
            arcname=ref.filename or "",
            sha256=ref.sha256,
            doc_no=ref.doc_no,
            doc_date=ref.doc_date.isoformat() if isinstance(ref.doc_date, date) else None,
            url=ref.url,
        )
        for ref in ctx.evidence
    ]
    index_html = render_pack_index(ctx)
    files = {f"report/report.{fmt}": render(report, fmt, context=ctx) for fmt in FORMATS}
    proofs = pack_proofs(report)
    meta = {
        "tool": f"Lakthan {lakthan.__version__}",
        "unit": report.round.agreement.unit.code,
        "fiscal_year": report.round.agreement.fiscal_year,
        "round_months": report.round.months,
        "indicator": report.indicator.code,
        "indicator_urn": report.indicator.urn,
        "signed": ctx.signed,
        "signed_by": ctx.signed_by,
        "signed_at": ctx.signed_at.isoformat() if ctx.signed_at else None,
        "pinned_sha256": report.pinned_sha256 if report.is_signed else "",
        "score": str(ctx.score),
        "weighted_score": str(ctx.weighted_score),
        "proofs": [{"path": p.path, "title_th": p.title_th, "title_en": p.title_en} for p in proofs],
    }
    return write_pack(
        Path(out),
        entries=entries,
        index_html=index_html,
        index_pdf=render_pdf_from_html(index_html),
        report_files=files,
        meta=meta,
        signer=signer,
        proofs={p.path: p.text.encode() for p in proofs},
        created_at=created_at or (report.signed_at if report.is_signed else None),
    )
