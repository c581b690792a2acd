"""Issuing evidence packs: every pack the server builds is signed with the agency's key and recorded
(IssuedPack: which bytes, which key, who, when) with an audit entry. The CLI, the web download, the API
and the demo all build packs through issue_pack."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lakthan.core import audit
from lakthan.evidence.engines.pack import PackSummary
from lakthan.evidence.engines.pack_signing import PackSigner, PublicKey, load_or_create_signer
from lakthan.indicators.models import IndicatorReport
from lakthan.reports.models import IssuedPack
from lakthan.reports.services import build_pack


def signer() -> PackSigner:
    """The agency's pack-signing key (LAKTHAN_PACK_KEY_FILE), created on first use."""
    return load_or_create_signer(Path(settings.LAKTHAN_PACK_KEY_FILE))


def public_key() -> PublicKey:
    return signer().public


def issue_pack(report: IndicatorReport, out: Path, actor: str, *, filename: str | None = None) -> PackSummary:
    """Builds the signed pack of ``report`` at ``out`` and records it. ``filename``: the name the pack
    is handed over as, when it is not ``out``'s (a web download). Nothing is recorded if the build
    fails; the file is removed if the record cannot be written."""
    out = Path(out)
    summary = build_pack(report, out, signer=signer())
    try:
        with transaction.atomic():
            issued = IssuedPack.objects.create(
                report=report,
                sha256=summary.sha256,
                manifest_sha256=summary.manifest_sha256,
                size=summary.size,
                filename=(filename or out.name)[:255],
                key_fingerprint=summary.key_fingerprint,
                report_signed=report.is_signed,
                pinned_sha256=report.pinned_sha256 if report.is_signed else "",
                issued_by=actor or audit.SYSTEM,
                issued_at=timezone.now(),
            )
            audit.record(actor, "pack.issue", issued)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return summary


def issued_packs(report: IndicatorReport | None = None) -> QuerySet[IssuedPack]:
    """The packs issued for ``report`` (or for every report), newest first."""
    qs = IssuedPack.objects.select_related("report__round__agreement__unit", "report__indicator")
    return qs.filter(report=report) if report is not None else qs


def as_json(issued: IssuedPack) -> dict:
    report = issued.report
    return {
        "id": issued.pk,
        "unit": report.round.agreement.unit.code,
        "fiscal_year": report.round.agreement.fiscal_year,
        "months": report.round.months,
        "indicator": report.indicator.code,
        "sha256": issued.sha256,
        "manifest_sha256": issued.manifest_sha256,
        "size": issued.size,
        "filename": issued.filename,
        "key_fingerprint": issued.key_fingerprint,
        "report_signed": issued.report_signed,
        "pinned_sha256": issued.pinned_sha256,
        "issued_by": issued.issued_by,
        "issued_at": issued.issued_at.isoformat(),
    }
