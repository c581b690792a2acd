"""Signing seals a report: the signature pins everything the report rests on, and nothing after it
changes what was signed until a reopen (reason, audited) and a new signature.

The pin (IndicatorReport.pinned, its SHA-256 over canonical JSON in pinned_sha256 and on the
SignOffEvent) holds:

- "context": the whole report as rendered (reports/context.py, without generated_at) — the texts,
  each item's title, explanation and result, the scoring table, the score and every evidence
  reference with the SHA-256 of the revision it cites. A signed report renders only from this
  (reports.services.build_context), dated at the signature, so it renders to the same bytes each time;
- "score": the ScoreResult (indicators.services.compute_score answers with it while signed);
- "library_version", "indicator", "results", "weight": what the score was computed from;
- "evidence": each linked evidence's exact revision (id, number, blob SHA-256, file name, metadata);
- "proofs": the proofs the pack ships (reports/proofs.py), as they were at the signature.

New evidence revisions, library versions and check runs are kept but do not touch the signed report;
`newer_than_signed()` lists them for the report page, the API and the CLI. `verify()` re-checks the
seal: the pin against its hash, the evidence files against the blob store, the library version row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lakthan.checks.models import CheckRun
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person
from lakthan.evidence.models import EvidenceRevision
from lakthan.evidence.services import blob_store, references
from lakthan.indicators import services as ind
from lakthan.indicators.libraries import current_version
from lakthan.indicators.models import IndicatorReport, LibraryVersion, SignOffEvent
from lakthan.lib.canonical import json_sha256
from lakthan.reports import proofs
from lakthan.reports.context import context_to_json
from lakthan.reports.services import build_live_context

PIN_FORMAT = 1


# --- signing ---------------------------------------------------------------------------------------


def sign(report: IndicatorReport, person: Person, actor: str | None = None) -> IndicatorReport:
    """Signs the report, pinning what it rests on now (the one way to sign: CLI, web, API, demo)."""
    with transaction.atomic():
        locked = IndicatorReport.objects.select_for_update().get(pk=report.pk)
        ind.check_signable(locked, person)  # refuse before the (costly) snapshot
        at = timezone.now()
        version = current_version(locked.indicator.library)
        pinned = snapshot(locked, person, at, version)
        ind.sign(report, person, actor=actor, pinned=pinned, library_version=version, at=at)
    return report


def snapshot(report: IndicatorReport, person: Person, at: datetime, version: LibraryVersion | None) -> dict:
    """The pin of a signature by `person` at `at`, from the live data (JSON values only)."""
    ctx = dataclasses.replace(
        build_live_context(report),
        signed=True,
        signed_by=person.display_name,
        signed_by_position=person.position_th,
        signed_at=at,
        generated_at=None,
    )
    indicator = report.indicator
    score = ind.live_score(report)
    results = report.results.select_related("criterion").order_by("criterion__number")
    return {
        "format": PIN_FORMAT,
        "report": {
            "id": report.pk,
            "unit": report.round.agreement.unit.code,
            "fiscal_year": report.round.agreement.fiscal_year,
            "months": report.round.months,
            "indicator": indicator.code,
        },
        "signed": {"person": person.pk, "name": person.display_name, "at": at.isoformat()},
        "library_version": None
        if version is None
        else {
            "id": version.pk,
            "urn": version.library.urn,
            "number": version.number,
            "version": version.version,
            "sha256": version.sha256,
        },
        "indicator": {
            "urn": indicator.urn,
            "code": indicator.code,
            "name_th": indicator.name_th,
            "name_en": indicator.name_en,
            "scheme": indicator.scheme,
            "scoring_note_th": indicator.scoring_note_th,
        },
        "results": [
            {
                "number": r.criterion.number,
                "urn": r.criterion.urn,
                "title_th": r.criterion.title_th,
                "title_en": r.criterion.title_en,
                "status": r.status,
                "note": r.note,
                "decided_by": r.decided_by,
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            }
            for r in results
        ],
        "weight": str(score.weight),
        "score": ind.score_to_json(score),
        "evidence": [
            {
                "number": ref.number,
                "evidence": ref.evidence.pk,
                "revision": ref.revision.pk,
                "revision_number": ref.revision.number,
                "sha256": ref.revision.blob_id or "",
                "filename": ref.revision.filename,
                "title": ref.evidence.title,
                "doc_no": ref.evidence.doc_no,
                "doc_date": ref.evidence.doc_date.isoformat() if ref.evidence.doc_date else None,
                "url": ref.revision.url,
                "items": list(ref.items),
            }
            for ref in references(report)
        ],
        "proofs": proofs.as_json(proofs.collect(report)),
        "context": context_to_json(ctx),
    }


def is_pinned(report: IndicatorReport) -> bool:
    return report.is_signed and report.pinned is not None


@dataclass(frozen=True)
class Titles:
    """A name or title in both languages (the web's `local` filter reads name_th/_en, title_th/_en)."""

    name_th: str = ""
    name_en: str = ""
    title_th: str = ""
    title_en: str = ""


def pinned_titles(report: IndicatorReport) -> tuple[Titles, dict[int, Titles]] | None:
    """The indicator's name and each item's title as signed (None for a report that pinned nothing)."""
    if not is_pinned(report):
        return None
    assert report.pinned is not None
    indicator = report.pinned["indicator"]
    items = {
        r["number"]: Titles(title_th=r["title_th"], title_en=r["title_en"]) for r in report.pinned["results"]
    }
    return Titles(name_th=indicator["name_th"], name_en=indicator["name_en"]), items


# --- something newer than the signature ------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One thing newer than what a signed report pinned, or one problem with its seal."""

    kind: str
    th: str
    en: str

    def message(self, lang: str = "en") -> str:
        return self.th if lang.startswith("th") else self.en

    def as_json(self) -> dict:
        return {"kind": self.kind, "th": self.th, "en": self.en}


def newer_than_signed(report: IndicatorReport) -> list[Notice]:
    """What exists now that the signed report does not use: newer evidence revisions, evidence linked
    or unlinked since, a newer library version, check runs started after the signature. Empty for an
    unsigned report. A reopen and a new signature take them in."""
    if not report.is_signed:
        return []
    assert report.signed_at is not None
    if report.pinned is None:
        notices = [
            Notice(
                "unpinned",
                "รายงานนี้ลงนามก่อนที่การลงนามจะตรึงข้อมูลไว้ จึงแสดงจากข้อมูลปัจจุบัน เปิดแก้ไขแล้วลงนามใหม่เพื่อตรึงข้อมูล",
                "signed before signatures pinned their data, so it shows the current data; "
                "reopen and sign it again to pin it",
            )
        ]
        versions = LibraryVersion.objects.filter(
            library=report.indicator.library, loaded_at__gt=report.signed_at
        ).order_by("-number")
        return notices + _library_notice(report.indicator.library.urn, versions.first(), None)
    return _evidence_notices(report) + _newer_library(report) + _check_runs_after(report)


def _evidence_notices(report: IndicatorReport) -> list[Notice]:
    assert report.pinned is not None
    pinned = {e["evidence"]: e for e in report.pinned["evidence"]}
    notices, live = [], set()
    for ref in references(report):
        live.add(ref.evidence.pk)
        was = pinned.get(ref.evidence.pk)
        title = ref.evidence.title
        if was is None:
            notices.append(
                Notice(
                    "evidence_linked",
                    f"หลักฐาน '{title}' ถูกเชื่อมกับรายงานหลังการลงนาม",
                    f"evidence '{title}' was linked after the signature",
                )
            )
        elif ref.revision.number > was["revision_number"]:
            n, new, old = was["number"], ref.revision.number, was["revision_number"]
            notices.append(
                Notice(
                    "evidence_revised",
                    f"หลักฐานอ้างอิง {n} '{title}' มีฉบับใหม่ (ฉบับที่ {new}) รายงานที่ลงนามยังอ้างฉบับที่ {old}",
                    f"evidence reference {n} '{title}' has a newer revision ({new}); "
                    f"the signed report cites revision {old}",
                )
            )
    for evidence_id, was in pinned.items():
        if evidence_id not in live:
            n, title = was["number"], was["title"]
            notices.append(
                Notice(
                    "evidence_unlinked",
                    f"หลักฐานอ้างอิง {n} '{title}' ไม่ได้เชื่อมกับรายงานแล้ว",
                    f"evidence reference {n} '{title}' is no longer linked to the report",
                )
            )
    return notices


def _newer_library(report: IndicatorReport) -> list[Notice]:
    assert report.pinned is not None
    was = report.pinned["library_version"]
    library = report.indicator.library
    versions = LibraryVersion.objects.filter(library=library).order_by("-number")
    if was is not None:
        versions = versions.filter(number__gt=was["number"])
    return _library_notice(library.urn, versions.first(), was["number"] if was else None)


def _library_notice(urn: str, newest: LibraryVersion | None, signed_number: int | None) -> list[Notice]:
    if newest is None:
        return []
    th_old = f" (รายงานที่ลงนามใช้ฉบับที่ {signed_number})" if signed_number else ""
    en_old = f" (the signed report uses version {signed_number})" if signed_number else ""
    return [
        Notice(
            "library_version",
            f"คลังตัวชี้วัด {urn} มีฉบับใหม่ (ฉบับที่ {newest.number}){th_old}",
            f"library {urn} has a newer version ({newest.number}){en_old}",
        )
    ]


def _check_runs_after(report: IndicatorReport) -> list[Notice]:
    runs = CheckRun.objects.filter(report=report, started_at__gt=report.signed_at)
    urns = sorted(set(runs.values_list("check_urn", flat=True)))
    if not urns:
        return []
    n = runs.count()
    return [
        Notice(
            "check_runs",
            f"มีการตรวจสอบหลังการลงนาม {n} ครั้ง ({', '.join(urns)})",
            f"{n} check run(s) after the signature ({', '.join(urns)})",
        )
    ]


# --- verification ----------------------------------------------------------------------------------


def verify(report: IndicatorReport) -> list[Notice]:
    """Every way the seal of a signed report is broken, each named (empty: sealed). The pin is
    re-hashed against the report's and the SignOffEvent's SHA-256; every pinned evidence file must be
    in the blob store with its SHA-256 and still be its revision's; the pinned library version row
    must exist with its SHA-256."""
    if not report.is_signed:
        raise InvalidInput("รายงานนี้ยังไม่ได้ลงนาม", "this report is not signed")
    if report.pinned is None:
        return [
            Notice(
                "unpinned",
                "รายงานนี้ลงนามก่อนที่การลงนามจะตรึงข้อมูลไว้ ไม่มีสิ่งใดให้ตรวจ",
                "the report was signed before signatures pinned their data: nothing is sealed",
            )
        ]
    pinned = report.pinned
    return _verify_hashes(report) + _verify_evidence(pinned) + _verify_library(report, pinned)


def _verify_hashes(report: IndicatorReport) -> list[Notice]:
    assert report.pinned is not None and report.signed_at is not None
    problems = []
    actual, recorded = json_sha256(report.pinned), report.pinned_sha256
    if actual != recorded:
        problems.append(
            Notice(
                "pin_altered",
                f"ข้อมูลที่ตรึงไว้ถูกแก้ไข: SHA-256 {actual} ไม่ตรงกับที่บันทึกเมื่อลงนาม {recorded}",
                f"the pinned snapshot was altered: its SHA-256 is {actual}, the signature recorded {recorded}",
            )
        )
    event = report.signoff_events.filter(action=SignOffEvent.Action.SIGN).order_by("-at", "-pk").first()
    on_event = event.pinned_sha256 if event else ""
    if on_event != recorded:
        problems.append(
            Notice(
                "event_mismatch",
                f"บันทึกการลงนามระบุ SHA-256 {on_event or '-'} ไม่ตรงกับของรายงาน {recorded}",
                f"the sign-off event records SHA-256 {on_event or '(none)'}, the report {recorded}",
            )
        )
    pinned_at = (report.pinned.get("signed") or {}).get("at")
    if pinned_at is None or datetime.fromisoformat(pinned_at) != report.signed_at:
        problems.append(
            Notice(
                "time_mismatch",
                f"เวลาลงนามของรายงานไม่ตรงกับเวลาที่ตรึงไว้ ({pinned_at})",
                f"the report's signature time {report.signed_at.isoformat()} is not the pinned {pinned_at}",
            )
        )
    return problems


def _verify_evidence(pinned: dict) -> list[Notice]:
    store = blob_store()
    problems = []
    for e in pinned["evidence"]:
        sha, n, title = e["sha256"], e["number"], e["title"]
        if sha and not store.exists(sha):
            problems.append(
                Notice(
                    "blob_missing",
                    f"หลักฐานอ้างอิง {n} '{title}': ไม่พบไฟล์ {sha} ในคลังไฟล์",
                    f"evidence reference {n} '{title}': file {sha} is missing from the blob store",
                )
            )
        elif sha and not store.verify(sha):
            problems.append(
                Notice(
                    "blob_altered",
                    f"หลักฐานอ้างอิง {n} '{title}': ไฟล์ {sha} ถูกแก้ไข ไม่ตรงกับ SHA-256 ของมัน",
                    f"evidence reference {n} '{title}': file {sha} no longer matches its SHA-256",
                )
            )
        revision = EvidenceRevision.objects.filter(pk=e["revision"], evidence_id=e["evidence"]).first()
        if revision is None or (revision.blob_id or "") != sha or revision.number != e["revision_number"]:
            problems.append(
                Notice(
                    "revision_mismatch",
                    f"หลักฐานอ้างอิง {n} '{title}': ฉบับที่ {e['revision_number']} ไม่ใช่ไฟล์ที่ตรึงไว้แล้ว",
                    f"evidence reference {n} '{title}': revision {e['revision_number']} no longer "
                    f"holds the pinned file",
                )
            )
    return problems


def _verify_library(report: IndicatorReport, pinned: dict) -> list[Notice]:
    was = pinned["library_version"]
    if was is None:
        return []
    problems = []
    row = LibraryVersion.objects.filter(pk=was["id"]).select_related("library").first()
    label = f"{was['urn']} v{was['number']}"
    if row is None:
        problems.append(
            Notice(
                "library_missing",
                f"ไม่พบคลังตัวชี้วัด {label} ที่ตรึงไว้",
                f"the pinned library version {label} no longer exists",
            )
        )
    elif row.sha256 != was["sha256"] or row.number != was["number"] or row.library.urn != was["urn"]:
        problems.append(
            Notice(
                "library_altered",
                f"คลังตัวชี้วัด {label}: SHA-256 {row.sha256} ไม่ตรงกับที่ตรึงไว้ {was['sha256']}",
                f"library version {label}: its SHA-256 is {row.sha256}, the signature pinned {was['sha256']}",
            )
        )
    if report.library_version_id != was["id"]:
        problems.append(
            Notice(
                "library_repointed",
                f"รายงานชี้ไปที่คลังตัวชี้วัดฉบับอื่น ({report.library_version_id}) ไม่ใช่ฉบับที่ตรึงไว้ ({was['id']})",
                f"the report points at library version #{report.library_version_id}, "
                f"the signature pinned #{was['id']}",
            )
        )
    return problems
