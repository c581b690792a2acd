"""Indicator libraries and their versions: loading a file, the bundled library, listing.

A library is known by its URN. Each load of a file is kept whole as a LibraryVersion (1, 2, …); the
library's indicators and criteria are those of its newest version, updated in place, and a signed
report keeps what its signature pinned (reports/sealing.py), so a new version never changes it. Two
libraries may not define the same indicator code for one fiscal year unless the newer one replaces
the older explicitly (``replace=``). The bundled library is loaded only where the database has none
of its URN, or where its current version came from an older bundled file — never over an agency's own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.indicators.engines import scoring
from lakthan.indicators.engines.library_schema import LibraryDef, LibraryError, load_library
from lakthan.indicators.models import (
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorReport,
    Library,
    LibraryVersion,
)

BUNDLED_DIR = Path(__file__).resolve().parent / "library"


class LibraryInvalid(InvalidInput):
    def __init__(self, error: LibraryError):
        self.error = error
        super().__init__(str(error), str(error))


def validate_library_file(path: Path) -> LibraryDef:
    try:
        return load_library(Path(path))
    except LibraryError as exc:
        raise LibraryInvalid(exc) from None


@dataclass(frozen=True)
class Loaded:
    library: Library
    version: LibraryVersion
    new: bool  # False: the same bytes as the current version, nothing changed


def _bundled_digests() -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in BUNDLED_DIR.glob("*.yaml")}


def current_version(library: Library) -> LibraryVersion | None:
    return library.versions.order_by("-number").first()


@transaction.atomic
def load_library_file(path: Path, actor: str = audit.SYSTEM, *, replace: str | None = None) -> Loaded:
    """Validates the whole file first, then writes it in one transaction (all or nothing) as the
    library's next version. ``replace``: the URN of another library whose codes this one takes over."""
    definition = validate_library_file(path)
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    existing = Library.objects.select_for_update().filter(urn=definition.urn).first()
    if existing is not None:
        latest = current_version(existing)
        if latest is not None and latest.sha256 == digest:
            return Loaded(existing, latest, False)
    replaced = _replaced(replace, definition)
    _refuse_taken_codes(definition, replaced)
    origin = Library.Origin.BUNDLED if digest in _bundled_digests() else Library.Origin.AGENCY
    library, _ = Library.objects.update_or_create(
        urn=definition.urn,
        defaults={
            "name_th": definition.name_th,
            "name_en": definition.name_en,
            "version": definition.version,
            "source_file": Path(path).name,
            "sha256": digest,
            "fiscal_year": definition.fiscal_year,
            "origin": origin,
            "replaced_by": None,
        },
    )
    number = (library.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = LibraryVersion.objects.create(
        library=library,
        number=number,
        version=definition.version,
        source_file=Path(path).name,
        sha256=digest,
        origin=origin,
        content=data.decode("utf-8"),
        loaded_at=timezone.now(),
        loaded_by=actor,
    )
    _write_rows(library, definition)
    if replaced is not None:
        replaced.replaced_by = library
        replaced.save(update_fields=["replaced_by"])
        audit.record(actor, "library.replace", replaced, after={"replaced_by": library.urn})
    audit.record(
        actor, "library.load", library, after={"version": number, "sha256": digest, "origin": origin}
    )
    return Loaded(library, version, True)


def _replaced(urn: str | None, definition: LibraryDef) -> Library | None:
    if not urn:
        return None
    if urn == definition.urn:
        raise InvalidInput(
            "ห้องสมุดแทนที่ตัวเองไม่ได้ (โหลดไฟล์ใหม่ของ URN เดิมได้เลย)",
            f"a library cannot replace itself ({urn}): load the new file of the same URN instead",
        )
    try:
        return Library.objects.get(urn=urn)
    except Library.DoesNotExist:
        raise NotFound(f"ไม่พบห้องสมุดตัวชี้วัด {urn}", f"no library {urn} to replace") from None


def _refuse_taken_codes(definition: LibraryDef, replaced: Library | None) -> None:
    """Another library in force for the same fiscal year must not define any of these codes."""
    codes = [i.code for i in definition.indicators]
    taken = (
        Indicator.objects.filter(code__in=codes, library__fiscal_year=definition.fiscal_year)
        .filter(library__replaced_by__isnull=True)
        .exclude(library__urn=definition.urn)
        .select_related("library")
        .order_by("code")
    )
    if replaced is not None:
        taken = taken.exclude(library=replaced)
    clash = taken.first()
    if clash is not None:
        year = definition.fiscal_year or "-"
        raise InvalidInput(
            f"ตัวชี้วัด {clash.code} ของปีงบประมาณ {year} มีอยู่แล้วใน {clash.library.urn}: "
            f"ถ้าไฟล์นี้ใช้แทน ให้โหลดด้วย --replace {clash.library.urn}",
            f"indicator {clash.code} of fiscal year {year} is already defined by {clash.library.urn}: "
            f"if this file takes its place, load it with --replace {clash.library.urn}",
        )


def _write_rows(library: Library, definition: LibraryDef) -> None:
    by_code: dict[str, Indicator] = {}
    for ind in definition.indicators:
        indicator, _ = Indicator.objects.update_or_create(
            urn=ind.urn,
            defaults={
                "library": library,
                "code": ind.code,
                "name_th": ind.name_th,
                "name_en": ind.name_en,
                "unit_th": ind.unit_th,
                "scheme": scheme_json(ind.scheme),
                "order": ind.order,
                "scoring_note_th": "\n".join(ind.scoring_note_th),
                "scoring_note_en": "\n".join(ind.scoring_note_en),
                "parent": by_code.get(ind.parent_code) if ind.parent_code else None,
            },
        )
        by_code[ind.code] = indicator
        for crit in ind.criteria:
            Criterion.objects.update_or_create(
                urn=crit.urn,
                defaults={
                    "indicator": indicator,
                    "number": crit.number,
                    "title_th": crit.title_th,
                    "title_en": crit.title_en,
                    "explanation_th": list(crit.explanation_th),
                    "explanation_en": list(crit.explanation_en),
                    "level": crit.level,
                    "reconstructed": crit.reconstructed,
                    "check_urns": list(crit.checks),
                },
            )
        _add_missing_results(indicator)


def _add_missing_results(indicator: Indicator) -> None:
    """An open report of the indicator gets a result row for each item a new version added (a
    signed one keeps what it pinned, and gets them when reopened and signed again)."""
    criteria = list(indicator.criteria.all())
    for report in IndicatorReport.objects.filter(indicator=indicator, signed_at__isnull=True):
        have = set(report.results.values_list("criterion_id", flat=True))
        CriterionResult.objects.bulk_create(
            CriterionResult(report=report, criterion=c) for c in criteria if c.pk not in have
        )


def scheme_json(scheme: scoring.Scheme | None) -> dict | None:
    if scheme is None:
        return None
    return {
        "kind": scheme.kind,
        "thresholds": [str(t) for t in scheme.thresholds],
        "direction": scheme.direction,
    }


def ensure_bundled_libraries() -> int:
    """Loads each bundled file whose URN the database does not know, or whose library's current
    version came from an older bundled file (an upgrade of Lakthan). An agency's own version of a
    bundled library is never replaced. Returns how many were loaded."""
    loaded = 0
    for path in sorted(BUNDLED_DIR.glob("*.yaml")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        known = Library.objects.filter(versions__sha256=digest).exists()
        if known:
            continue
        urn = validate_library_file(path).urn
        library = Library.objects.filter(urn=urn).first()
        latest = current_version(library) if library is not None else None
        if library is None or (latest is not None and latest.origin == Library.Origin.BUNDLED):
            load_library_file(path)
            loaded += 1
    return loaded


# --- reading -------------------------------------------------------------------------------------


def libraries() -> list[Library]:
    return list(Library.objects.select_related("replaced_by").prefetch_related("versions").order_by("urn"))


def get_library(urn: str) -> Library:
    try:
        return Library.objects.get(urn=urn)
    except Library.DoesNotExist:
        raise NotFound(f"ไม่พบห้องสมุดตัวชี้วัด {urn}", f"no library {urn}") from None


def get_version(library: Library, number: int | None = None) -> LibraryVersion:
    version = current_version(library) if number is None else library.versions.filter(number=number).first()
    if version is None:
        raise NotFound(
            f"ห้องสมุด {library.urn} ไม่มีรุ่นที่ {number}", f"library {library.urn} has no version {number}"
        )
    return version


def as_json(library: Library) -> dict:
    versions = sorted(library.versions.all(), key=lambda v: v.number)
    return {
        "urn": library.urn,
        "name_th": library.name_th,
        "name_en": library.name_en,
        "fiscal_year": library.fiscal_year,
        "version": library.version,
        "current": versions[-1].number if versions else None,
        "origin": library.origin,
        "replaced_by": library.replaced_by.urn if library.replaced_by else None,
        "versions": [
            {
                "number": v.number,
                "version": v.version,
                "sha256": v.sha256,
                "origin": v.origin,
                "source_file": v.source_file,
                "loaded_at": v.loaded_at.isoformat(),
                "loaded_by": v.loaded_by,
            }
            for v in versions
        ],
    }
