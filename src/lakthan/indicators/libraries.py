"""Indicator libraries as versioned data: a YAML file loaded as a new version of its library, the
bundled libraries, and which library defines an indicator code for a fiscal year.

- Loading a file makes version n+1 of the library with its URN, keeping the file's text whole; the
  library's indicators and criteria are updated in place to it. Signed reports do not move with them:
  each keeps the snapshot its signature pinned. Open reports get a result row for every item the new
  version added. The very same bytes as the current version load nothing.
- One code, one library per fiscal year: a file defining an indicator code that another library (not
  replaced) defines for the same year is refused, unless it names that library with ``replace``. The
  replaced library is kept, and whatever already refers to its indicators keeps them; new agreements
  find the new library's (``services.find_indicator``).
- A bundled file (``library/*.yaml``) is loaded at start-up only when its URN has no version yet, or
  when the current version came from a bundled file with other bytes (a program upgrade); never over
  an agency's own version. Any file byte-identical to a bundled one counts as bundled.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import IntegrityFailure, InvalidInput, NotFound
from lakthan.indicators.engines import scoring
from lakthan.indicators.models import (
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorReport,
    Library,
    LibraryVersion,
)

if TYPE_CHECKING:  # the parser (and YAML) is imported only when a file is read: not at every start-up
    from lakthan.indicators.engines.library_schema import LibraryDef, LibraryError

BUNDLED_DIR = Path(__file__).resolve().parent / "library"
log = logging.getLogger(__name__)


class LibraryInvalid(InvalidInput):
    def __init__(self, error: LibraryError):
        self.error = error
        super().__init__(str(error), str(error))


class CodeConflict(InvalidInput):
    """The file defines indicator codes another library already defines for the same fiscal year."""

    def __init__(self, codes: list[str], other: Library, fiscal_year: int | None):
        self.codes, self.other = codes, other
        listed = ", ".join(codes)
        noun = "indicator code" if len(codes) == 1 else "indicator codes"
        year_th = f"ปีงบประมาณ {fiscal_year}" if fiscal_year else "ที่ไม่ระบุปีงบประมาณ"
        year_en = f"fiscal year {fiscal_year}" if fiscal_year else "no fiscal year"
        super().__init__(
            f"ตัวชี้วัดรหัส {listed} ของ{year_th} มีอยู่แล้วในคลังตัวชี้วัด {other.urn}: "
            f"ถ้าคลังนี้ใช้แทนคลังนั้น ให้โหลดด้วย --replace {other.urn}",
            f"{noun} {listed} for {year_en} {'is' if len(codes) == 1 else 'are'} already defined by library {other.urn}; "
            f"if this library replaces it, load it with --replace {other.urn}",
        )


@dataclass(frozen=True)
class LoadResult:
    library: Library
    version: LibraryVersion  # the current version after the load
    loaded: bool  # False: the file is the current version's very bytes, nothing was loaded
    results_added: int = 0  # result rows added to open reports for items the new version added
    replaced: Library | None = None


def validate_library_file(path: Path) -> LibraryDef:
    return _read(path)[1]


def _read(path: Path) -> tuple[bytes, LibraryDef]:
    """The file's bytes and their definition: what is validated is exactly what is then kept."""
    from lakthan.indicators.engines.library_schema import LibraryError, parse_library

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LibraryInvalid(
            LibraryError(str(path), 0, f"cannot read the file: {exc.strerror or exc}")
        ) from None
    try:
        return data, parse_library(data, path)
    except LibraryError as exc:
        raise LibraryInvalid(exc) from None


def current_version(library: Library) -> LibraryVersion | None:
    return library.versions.order_by("-number").first()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _bundled_digests() -> set[str]:
    return {_sha256(p.read_bytes()) for p in BUNDLED_DIR.glob("*.yaml")}


@transaction.atomic
def load_library_file(path: Path, actor: str = audit.SYSTEM, *, replace: str | None = None) -> LoadResult:
    """Validate the whole file, then load it as the library's next version in one transaction (all or
    nothing). ``replace``: the URN of a library this one replaces (its codes are then this one's)."""
    data, definition = _read(path)
    return _load(data, definition, Path(path).name, actor, replace)


def _load(data: bytes, definition: LibraryDef, file_name: str, actor: str, replace: str | None) -> LoadResult:
    digest = _sha256(data)
    library = Library.objects.select_for_update().filter(urn=definition.urn).first()
    current = current_version(library) if library else None
    replacing = _replace_target(replace, definition.urn) if replace else None
    if library is not None and current is not None and current.sha256 == digest:
        if replacing is not None:
            _mark_replaced(replacing, library, actor)
        return LoadResult(library, current, False, replaced=replacing)
    active = library is None or library.replaced_by_id is None or replacing is not None
    if active:
        _refuse_code_conflicts(definition, replacing)
    origin = Library.Origin.BUNDLED if digest in _bundled_digests() else Library.Origin.AGENCY
    library = _write(definition, library, file_name, digest, origin)
    version = LibraryVersion.objects.create(
        library=library,
        number=(current.number + 1) if current else 1,
        version=definition.version,
        source_file=file_name,
        sha256=digest,
        origin=origin,
        content=data.decode("utf-8"),
        loaded_at=timezone.now(),
        loaded_by=actor,
    )
    added = sum(
        add_missing_results(report)
        for report in IndicatorReport.objects.filter(indicator__library=library, signed_at__isnull=True)
    )
    audit.record(
        actor,
        "library.load",
        library,
        after={**audit.snapshot(library), "version_number": version.number, "results_added": added},
    )
    if replacing is not None:
        _mark_replaced(replacing, library, actor)
    return LoadResult(library, version, True, added, replacing)


def _replace_target(urn: str, new_urn: str) -> Library:
    if urn == new_urn:
        raise InvalidInput(f"คลังตัวชี้วัด {urn} ใช้แทนตัวเองไม่ได้", f"library {urn} cannot replace itself")
    other = Library.objects.select_for_update().filter(urn=urn).first()
    if other is None:
        raise NotFound(f"ไม่พบคลังตัวชี้วัด {urn} ที่จะใช้แทน", f"no library {urn} to replace")
    return other


def _mark_replaced(other: Library, by: Library, actor: str) -> None:
    before = audit.snapshot(other)
    other.replaced_by = by
    other.save(update_fields=["replaced_by"])
    if by.replaced_by_id is not None:  # the library that replaces is in use again
        by.replaced_by = None
        by.save(update_fields=["replaced_by"])
    audit.record(actor, "library.replace", other, before)


def _refuse_code_conflicts(definition: LibraryDef, replacing: Library | None) -> None:
    codes = [ind.code for ind in definition.indicators]
    clashes = Indicator.objects.filter(code__in=codes, library__replaced_by__isnull=True).exclude(
        library__urn=definition.urn
    )
    if definition.fiscal_year is None:
        clashes = clashes.filter(library__fiscal_year__isnull=True)
    else:
        clashes = clashes.filter(library__fiscal_year=definition.fiscal_year)
    if replacing is not None:
        clashes = clashes.exclude(library=replacing)
    first = clashes.select_related("library").order_by("library__urn").first()
    if first is not None:
        same = clashes.filter(library=first.library).values_list("code", flat=True)
        raise CodeConflict(sorted(same, key=codes.index), first.library, definition.fiscal_year)


def _write(
    definition: LibraryDef, library: Library | None, file_name: str, digest: str, origin: str
) -> Library:
    """The library's row, indicators and criteria made those of ``definition``, in place."""
    fields = {
        "name_th": definition.name_th,
        "name_en": definition.name_en,
        "version": definition.version,
        "source_file": file_name,
        "sha256": digest,
        "fiscal_year": definition.fiscal_year,
        "origin": origin,
    }
    if library is None:
        library = Library.objects.create(urn=definition.urn, **fields)
    else:
        for name, value in fields.items():
            setattr(library, name, value)
        library.save()
    kept_criteria = {c.urn for ind in definition.indicators for c in ind.criteria}
    for criterion in Criterion.objects.filter(indicator__library=library).exclude(urn__in=kept_criteria):
        # an open report's untouched row for the item is only a placeholder; anything else keeps it
        CriterionResult.objects.filter(
            criterion=criterion,
            report__signed_at__isnull=True,
            status=CriterionResult.Status.UNDECIDED,
            note="",
        ).delete()
        code, number = criterion.indicator.code, criterion.number
        _delete_dropped(criterion, f"ข้อ {number} ของตัวชี้วัด {code}", f"item {number} of indicator {code}")
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
                "scheme": _scheme_json(ind.scheme),
                "order": ind.order,
                "scoring_note_th": "\n".join(ind.scoring_note_th),
                "scoring_note_en": "\n".join(ind.scoring_note_en),
                "parent": by_code.get(ind.parent_code) if ind.parent_code else None,
            },
        )
        by_code[ind.code] = indicator
        # out of the way first, so that items may swap numbers without meeting the unique constraint
        Criterion.objects.filter(indicator=indicator).update(number=F("number") + 1_000_000)
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
                    "guidance_th": list(crit.guidance_th),
                    "guidance_en": list(crit.guidance_en),
                    "level": crit.level,
                    "reconstructed": crit.reconstructed,
                    "check_urns": list(crit.checks),
                },
            )
    kept_indicators = {ind.urn for ind in definition.indicators}
    for indicator in library.indicators.exclude(urn__in=kept_indicators).order_by("-pk"):
        _delete_dropped(indicator, f"ตัวชี้วัด {indicator.code}", f"indicator {indicator.code}")
    return library


def _delete_dropped(obj: Indicator | Criterion, what_th: str, what_en: str) -> None:
    """An indicator or item the new version no longer has goes, unless something already uses it."""
    try:
        obj.delete()
    except ProtectedError:
        raise InvalidInput(
            f"ฉบับใหม่ของคลังตัวชี้วัดไม่มี{what_th} ซึ่งคำรับรองหรือรายงานใช้อยู่แล้ว: "
            "ให้คงไว้ในไฟล์ หรือโหลดเป็นคลังใหม่ (URN ใหม่) ด้วย --replace",
            f"the new version of the library drops {what_en}, which agreements or reports already use: "
            "keep it in the file, or load the change as a new library (a new URN) with --replace",
        ) from None


def _scheme_json(scheme: scoring.Scheme | None) -> dict | None:
    if scheme is None:
        return None
    return {
        "kind": scheme.kind,
        "thresholds": [str(t) for t in scheme.thresholds],
        "direction": scheme.direction,
    }


def add_missing_results(report: IndicatorReport) -> int:
    """A result row (undecided) for every item of the report's indicator that has none: the items a
    newer library version added. For open reports; returns how many rows were added."""
    have = set(report.results.values_list("criterion_id", flat=True))
    missing = [
        CriterionResult(report=report, criterion=c)
        for c in report.indicator.criteria.all()
        if c.pk not in have
    ]
    CriterionResult.objects.bulk_create(missing)
    return len(missing)


def ensure_bundled_libraries() -> int:
    """Load each bundled file whose URN has no version yet, or whose current version is bundled and
    has other bytes (a program upgrade). An agency's own version is never overwritten. Returns how
    many files were loaded. When every bundled file was loaded before, the cost is one query and the
    files' hashes: this runs at the start of every command."""
    files = {path: path.read_bytes() for path in sorted(BUNDLED_DIR.glob("*.yaml"))}
    digests = {path: _sha256(data) for path, data in files.items()}
    known = set(LibraryVersion.objects.filter(sha256__in=digests.values()).values_list("sha256", flat=True))
    loaded = 0
    for path, data in files.items():
        if digests[path] in known:
            continue  # loaded before: in force, or since followed by the agency's own version
        known.add(digests[path])
        from lakthan.indicators.engines.library_schema import LibraryError, parse_library

        try:
            definition = parse_library(data, path)
        except LibraryError as exc:
            raise LibraryInvalid(exc) from None
        library = Library.objects.filter(urn=definition.urn).first()
        current = current_version(library) if library else None
        if current is not None and current.origin != Library.Origin.BUNDLED:
            continue  # the agency's own version stays
        try:
            with transaction.atomic():
                _load(data, definition, path.name, audit.SYSTEM, None)
        except CodeConflict as exc:
            log.warning("bundled library %s not loaded: %s", path.name, exc.message_en)
            continue
        loaded += 1
    return loaded


# --- reading ------------------------------------------------------------------------------------------


def libraries() -> list[Library]:
    """Every library with its versions, by fiscal year then URN."""
    return list(
        Library.objects.select_related("replaced_by")
        .prefetch_related("versions")
        .order_by(F("fiscal_year").asc(nulls_last=True), "urn")
    )


def get_version(urn: str, number: int | None = None) -> LibraryVersion:
    """A stored version of a library (the current one by default)."""
    library = Library.objects.filter(urn=urn).first()
    if library is None:
        raise NotFound(f"ไม่พบคลังตัวชี้วัด {urn}", f"no library {urn}")
    version = current_version(library) if number is None else library.versions.filter(number=number).first()
    if version is None:
        raise NotFound(f"คลังตัวชี้วัด {urn} ไม่มีฉบับที่ {number}", f"library {urn} has no version {number}")
    return version


def version_bytes(version: LibraryVersion) -> bytes:
    """The file of a stored version, byte for byte, checked against the SHA-256 it was loaded with."""
    if not version.content:
        raise NotFound(
            f"ฉบับที่ {version.number} ของ {version.library.urn} ถูกบันทึกไว้โดยไม่มีเนื้อความ (โหลดก่อนที่ระบบจะเก็บฉบับ)",
            f"version {version.number} of {version.library.urn} was recorded without its text "
            "(loaded before versions were kept)",
        )
    data = version.content.encode("utf-8")
    if _sha256(data) != version.sha256:
        raise IntegrityFailure(
            f"เนื้อความที่เก็บไว้ของฉบับที่ {version.number} ของ {version.library.urn} ไม่ตรงกับ SHA-256",
            f"the stored text of version {version.number} of {version.library.urn} does not match its SHA-256",
        )
    return data
