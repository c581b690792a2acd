"""Indicator services: agreements and rounds, results, scoring, sign-off (libraries: libraries.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, Locked, NotFound
from lakthan.core.models import Person, Unit
from lakthan.indicators.engines import periods, scoring
from lakthan.indicators.libraries import add_missing_results
from lakthan.indicators.models import (
    Agreement,
    AgreementIndicator,
    Assignment,
    CriterionResult,
    Indicator,
    IndicatorReport,
    LibraryVersion,
    Round,
    SignOffEvent,
)
from lakthan.lib.canonical import json_sha256


def scheme_of(indicator: Indicator) -> scoring.Scheme:
    if not indicator.scheme:
        raise InvalidInput(
            f"ตัวชี้วัด {indicator.code} ไม่มีเกณฑ์การให้คะแนน", f"indicator {indicator.code} has no scoring scheme"
        )
    s = indicator.scheme
    return scoring.Scheme(
        kind=s["kind"],
        thresholds=tuple(Decimal(t) for t in s.get("thresholds", [])),
        direction=s.get("direction", "higher"),
    )


# --- agreements, rounds, assignments ---------------------------------------------------------


def find_indicator(code: str, fiscal_year: int | None = None, unit: Unit | None = None) -> Indicator:
    """The indicator with this code: the one ``unit``'s agreement of that year binds, if given; else,
    among libraries not replaced, the one already in that year's agreements, else the one from that
    year's library, else from the most recently loaded library that defines the code."""
    if unit is not None and fiscal_year is not None:
        line = AgreementIndicator.objects.filter(
            agreement__unit=unit, agreement__fiscal_year=fiscal_year, indicator__code=code
        ).first()
        if line is not None:
            return line.indicator
    qs = Indicator.objects.filter(code=code, library__replaced_by__isnull=True)
    if fiscal_year is not None:
        for narrowed in (
            qs.filter(agreementindicator__agreement__fiscal_year=fiscal_year).distinct(),
            qs.filter(library__fiscal_year=fiscal_year),
        ):
            if narrowed.exists():
                qs = narrowed
                break
    indicator = qs.order_by("-library__loaded_at").first()
    if indicator is None:
        raise NotFound(f"ไม่พบตัวชี้วัด {code}", f"no indicator with code {code}")
    return indicator


@dataclass(frozen=True)
class AgreementResult:
    agreement: Agreement
    total_weight: Decimal
    warnings: list[str]


@transaction.atomic
def set_agreement(
    unit: Unit, fiscal_year: int, lines: list[tuple[Indicator, Decimal]], actor: str = audit.SYSTEM
) -> AgreementResult:
    _check_fiscal_year(fiscal_year)
    agreement, _ = Agreement.objects.get_or_create(unit=unit, fiscal_year=fiscal_year)
    for indicator, weight in lines:
        weight = finite_number(weight, f"น้ำหนักตัวชี้วัด {indicator.code}", f"weight of {indicator.code}")
        if weight > 100 or weight.quantize(Decimal("0.01")) <= 0:  # (quantize overflows on 1e999)
            raise InvalidInput(
                f"น้ำหนักตัวชี้วัด {indicator.code} ต้องมากกว่า ๐ และไม่เกิน ๑๐๐",
                f"weight of {indicator.code} must be > 0 and ≤ 100",
            )
        if not indicator.is_scored:
            raise InvalidInput(
                f"ตัวชี้วัด {indicator.code} ไม่มีเกณฑ์การให้คะแนน",
                f"indicator {indicator.code} has no scoring scheme",
            )
        _bind_by_code(agreement, indicator, actor)
        AgreementIndicator.objects.update_or_create(
            agreement=agreement, indicator=indicator, defaults={"weight": weight}
        )
    audit.record(actor, "agreement.set", agreement, after={"lines": [[i.code, str(w)] for i, w in lines]})
    total = sum((line.weight for line in agreement.lines.all()), Decimal(0))
    warnings = []
    if total != 100:
        warnings.append(f"น้ำหนักรวมของคำรับรองเป็น {total} ไม่ใช่ 100 / weights sum to {total}, not 100")
    return AgreementResult(agreement, total, warnings)


def _bind_by_code(agreement: Agreement, indicator: Indicator, actor: str) -> None:
    """One line per code: a line binding another library's indicator of this code is rebound to
    ``indicator`` (with its assignments) while that indicator has no report in the agreement yet."""
    line = (
        agreement.lines.filter(indicator__code=indicator.code)
        .exclude(indicator=indicator)
        .select_related("indicator__library")
        .first()
    )
    if line is None:
        new = not agreement.lines.filter(indicator=indicator).exists()
        if new and Indicator.objects.filter(pk=indicator.pk, library__replaced_by__isnull=False).exists():
            raise InvalidInput(
                f"คลังตัวชี้วัด {indicator.library.urn} ถูกแทนแล้ว: ใช้ตัวชี้วัด {indicator.code} ของคลังใหม่",
                f"library {indicator.library.urn} has been replaced: use indicator {indicator.code} of the new one",
            )
        return
    old = line.indicator
    if IndicatorReport.objects.filter(round__agreement=agreement, indicator=old).exists():
        raise InvalidInput(
            f"ตัวชี้วัด {indicator.code} ในคำรับรองของ {agreement.unit.code} ปีงบประมาณ {agreement.fiscal_year} "
            f"ผูกกับ {old.urn} ซึ่งมีรายงานแล้ว จึงเปลี่ยนไปใช้ {indicator.urn} ไม่ได้",
            f"indicator {indicator.code} in the agreement of {agreement.unit.code} for FY "
            f"{agreement.fiscal_year} is bound to {old.urn}, which already has reports; it cannot be "
            f"rebound to {indicator.urn}",
        )
    before = audit.snapshot(line)
    line.indicator = indicator
    line.save(update_fields=["indicator"])
    audit.record(actor, "agreement.rebind", line, before)
    for a in Assignment.objects.filter(unit=agreement.unit, indicator=old, fiscal_year=agreement.fiscal_year):
        if Assignment.objects.filter(
            unit=a.unit, indicator=indicator, fiscal_year=a.fiscal_year, person=a.person, role=a.role
        ).exists():
            a.delete()
        else:
            a.indicator = indicator
            a.save(update_fields=["indicator"])


def finite_number(value: object, what_th: str, what_en: str) -> Decimal:
    """A number a person gave: a finite Decimal, or InvalidInput naming what is wrong (NaN and
    infinities are refused: they compare with nothing and would poison every sum they join)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except ArithmeticError:
        raise InvalidInput(f"{what_th} '{value}' ไม่ใช่ตัวเลข", f"{what_en} '{value}' is not a number") from None
    if not number.is_finite():
        raise InvalidInput(
            f"{what_th} ต้องเป็นตัวเลขจริง ไม่ใช่ '{value}'", f"{what_en} must be a finite number, not '{value}'"
        )
    return number


def _check_fiscal_year(fiscal_year: int) -> None:
    if not 2500 <= fiscal_year <= 2700:
        raise InvalidInput(
            f"ปีงบประมาณ {fiscal_year} ไม่ถูกต้อง (ใช้ปี พ.ศ. เช่น 2556)",
            f"fiscal year {fiscal_year} is out of range (use the B.E. year, e.g. 2556)",
        )


def round_period(rnd: Round) -> tuple[date, date]:
    return periods.round_bounds(rnd.agreement.fiscal_year, rnd.months)


@transaction.atomic
def get_report(
    unit: Unit, fiscal_year: int, months: int, indicator_code: str, *, create: bool = True
) -> IndicatorReport:
    """The indicator report of a unit's round; created (with one result row per criterion) on first use."""
    _check_fiscal_year(fiscal_year)
    if months not in Round.Months.values:
        raise InvalidInput(
            f"รอบการประเมินต้องเป็น ๖ ๙ หรือ ๑๒ เดือน (ได้ {months})",
            f"round must be 6, 9 or 12 months (got {months})",
        )
    agreement = Agreement.objects.filter(unit=unit, fiscal_year=fiscal_year).first()
    line = agreement.lines.filter(indicator__code=indicator_code).first() if agreement else None
    if line is None:
        find_indicator(indicator_code, fiscal_year)  # no such indicator at all: say that
        raise NotFound(
            f"ตัวชี้วัด {indicator_code} ไม่อยู่ในคำรับรองของ {unit.code} ปีงบประมาณ {fiscal_year}",
            f"indicator {indicator_code} is not in the agreement of {unit.code} for FY {fiscal_year}",
        )
    indicator = line.indicator
    if not create:
        report = IndicatorReport.objects.filter(
            round__agreement=agreement, round__months=months, indicator=indicator
        ).first()
        if report is None:
            raise NotFound("ยังไม่มีรายงานของรอบนี้", "no report for this round yet")
        return report
    rnd, _ = Round.objects.get_or_create(agreement=agreement, months=months)
    report, created = IndicatorReport.objects.get_or_create(round=rnd, indicator=indicator)
    if created:
        CriterionResult.objects.bulk_create(
            CriterionResult(report=report, criterion=c) for c in indicator.criteria.all()
        )
    return report


@transaction.atomic
def assign(
    unit: Unit, indicator: Indicator, fiscal_year: int, person: Person, role: str, actor: str = audit.SYSTEM
) -> Assignment:
    if role not in Assignment.Role.values:
        raise InvalidInput(f"บทบาท '{role}' ไม่ถูกต้อง", f"unknown role '{role}'")
    order = Assignment.objects.filter(
        unit=unit, indicator=indicator, fiscal_year=fiscal_year, role=role
    ).count()
    assignment, _ = Assignment.objects.get_or_create(
        unit=unit,
        indicator=indicator,
        fiscal_year=fiscal_year,
        person=person,
        role=role,
        defaults={"order": order},
    )
    audit.record(actor, "assignment.add", assignment)
    return assignment


def people(report: IndicatorReport, role: str) -> list[Person]:
    agreement = report.round.agreement
    return [
        a.person
        for a in Assignment.objects.filter(
            unit=agreement.unit, indicator=report.indicator, fiscal_year=agreement.fiscal_year, role=role
        ).select_related("person")
    ]


# --- report texts and results ------------------------------------------------------------------

NOTE_MAX = 5000  # an item's note, as the API allows

REPORT_TEXT_FIELDS = (
    "phone",
    "actions_taken",
    "supporting_factors",
    "obstacles",
    "suggestions",
    "measured_value",
)


def _refreshes_caller(service):
    """The services below lock and change a fresh copy of the report; afterwards the caller's own
    instance is reloaded too, so code holding it never reads the state from before the change."""

    @functools.wraps(service)
    def wrapper(report: IndicatorReport, *args, **kwargs):
        result = service(report, *args, **kwargs)
        report.refresh_from_db()
        return result

    return wrapper


def ensure_open(report: IndicatorReport) -> None:
    if report.is_signed:
        raise Locked(
            f"รายงานตัวชี้วัด {report.indicator.code} รอบ {report.round.months} เดือน ลงนามแล้ว ต้องเปิดแก้ไขก่อน",
            f"the {report.round.months}-month report of {report.indicator.code} is signed; reopen it first",
        )


@_refreshes_caller
@transaction.atomic
def update_report(report: IndicatorReport, actor: str = audit.SYSTEM, **fields) -> IndicatorReport:
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    ensure_open(report)
    unknown = set(fields) - set(REPORT_TEXT_FIELDS)
    if unknown:
        raise InvalidInput(
            f"ไม่รู้จักช่อง {', '.join(sorted(unknown))}", f"unknown fields {', '.join(sorted(unknown))}"
        )
    if fields.get("measured_value") is not None:
        measured = finite_number(fields["measured_value"], "ค่าที่วัดได้", "the measured value")
        if abs(measured) >= 10**10:
            raise InvalidInput("ค่าที่วัดได้ใหญ่เกินไป", "the measured value is too large (at most 10 digits)")
        fields["measured_value"] = measured
    before = audit.snapshot(report)
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    audit.record(actor, "report.update", report, before)
    return report


@transaction.atomic
def set_result(
    report: IndicatorReport, number: int, status: str, *, note: str | None = None, actor: str = audit.SYSTEM
) -> CriterionResult:
    """Decides one item. ``note`` replaces the item's note ("" clears it); None keeps the note there is."""
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    ensure_open(report)
    if status not in CriterionResult.Status.values:
        raise InvalidInput(f"ผลการประเมิน '{status}' ไม่ถูกต้อง", f"unknown result status '{status}'")
    result = criterion_result(report, number)
    before = audit.snapshot(result)
    if note is not None:
        if len(note) > NOTE_MAX:
            raise InvalidInput(
                f"บันทึกประกอบการพิจารณายาวเกิน {NOTE_MAX} ตัวอักษร",
                f"the note is longer than {NOTE_MAX} characters",
            )
        result.note = note.strip()
    result.status = status
    result.decided_by, result.decided_at = actor, timezone.now()
    result.save()
    audit.record(actor, "result.set", result, before)
    return result


@transaction.atomic
def accept_proposals(report: IndicatorReport, actor: str = audit.SYSTEM, *, note: str = "") -> int:
    """Takes every item's proposal as the decision (items without a proposal stay as they are). Each
    item it changes gets ``note``: the note of the earlier decision spoke for another status, so it
    is never carried over ("" leaves the item without a note)."""
    changed = 0
    for result in report.results.select_related("criterion"):
        if result.proposed_status != "undecided" and result.status != result.proposed_status:
            set_result(report, result.criterion.number, result.proposed_status, note=note, actor=actor)
            changed += 1
    return changed


def criterion_result(report: IndicatorReport, number: int) -> CriterionResult:
    try:
        return report.results.select_related("criterion").get(criterion__number=number)
    except CriterionResult.DoesNotExist:
        raise NotFound(
            f"ไม่มีข้อ {number} ในตัวชี้วัด {report.indicator.code}",
            f"indicator {report.indicator.code} has no item {number}",
        ) from None


def check_signable(report: IndicatorReport, person: Person) -> None:
    """Refuses a signature the report cannot take: signed already, not the indicator's supervisor, or
    an item still undecided."""
    ensure_open(report)
    supervisors = people(report, Assignment.Role.SUPERVISOR)
    if supervisors and person not in supervisors:
        raise InvalidInput(
            f"{person.display_name} ไม่ใช่ผู้กำกับดูแลตัวชี้วัดนี้",
            f"{person.display_name} is not a supervisor of this indicator",
        )
    undecided = report.results.filter(status=CriterionResult.Status.UNDECIDED).count()
    if undecided:
        raise InvalidInput(f"ยังมี {undecided} ข้อที่ยังไม่พิจารณา", f"{undecided} item(s) are still undecided")


def _without_pin_body(row: dict) -> dict:
    """An audit snapshot of a report without the pinned JSON itself (its SHA-256 stays)."""
    return {k: v for k, v in row.items() if k != "pinned"}


@_refreshes_caller
@transaction.atomic
def sign(
    report: IndicatorReport,
    person: Person,
    actor: str | None = None,
    *,
    pinned: dict,
    library_version: LibraryVersion | None = None,
    at: datetime | None = None,
) -> IndicatorReport:
    """Signs and locks the report with `pinned`, the snapshot of everything it rests on (built by
    reports.sealing.sign(), the one caller). The snapshot's SHA-256 over canonical JSON goes on the
    report, on the SignOffEvent and into the audit entry."""
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    check_signable(report, person)
    before = _without_pin_body(audit.snapshot(report))
    report.signed_by, report.signed_at = person, at or timezone.now()
    report.pinned, report.pinned_sha256 = pinned, json_sha256(pinned)
    report.library_version = library_version
    report.save()
    SignOffEvent.objects.create(
        report=report,
        action=SignOffEvent.Action.SIGN,
        person=person,
        at=report.signed_at,
        pinned_sha256=report.pinned_sha256,
    )
    audit.record(
        actor or person.display_name, "report.sign", report, before, _without_pin_body(audit.snapshot(report))
    )
    return report


@_refreshes_caller
@transaction.atomic
def reopen(report: IndicatorReport, person: Person, reason: str, actor: str | None = None) -> IndicatorReport:
    """Unlocks a signed report and drops its pin; the audit entry's `before` keeps the whole pin, so
    what the earlier signature covered stays on record (its hash is on that SignOffEvent)."""
    report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_signed:
        raise InvalidInput("รายงานนี้ยังไม่ได้ลงนาม", "this report is not signed")
    if not (reason or "").strip():
        raise InvalidInput("ต้องระบุเหตุผลในการเปิดแก้ไข", "a reason is required to reopen a signed report")
    before = audit.snapshot(report)
    report.signed_by, report.signed_at = None, None
    report.pinned, report.pinned_sha256, report.library_version = None, "", None
    report.save()
    add_missing_results(report)  # the items a library version loaded since the signature added
    SignOffEvent.objects.create(
        report=report,
        action=SignOffEvent.Action.REOPEN,
        person=person,
        at=timezone.now(),
        reason=reason.strip(),
    )
    audit.record(actor or person.display_name, "report.reopen", report, before)
    return report


# --- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    number: int
    title_th: str
    status: str
    proposed_status: str


@dataclass(frozen=True)
class ScoreResult:
    indicator_code: str
    items_met: int
    items_total: int
    result_value: Decimal
    score: Decimal
    weight: Decimal
    weighted_score: Decimal
    next_level: str  # what is missing to reach the next level, Thai ("" at level 5)
    next_level_en: str
    items: list[ItemScore]


def score_to_json(s: ScoreResult) -> dict:
    """JSON values (Decimals as their strings); score_from_json(score_to_json(s)) == s."""
    return {
        "indicator_code": s.indicator_code,
        "items_met": s.items_met,
        "items_total": s.items_total,
        "result_value": str(s.result_value),
        "score": str(s.score),
        "weight": str(s.weight),
        "weighted_score": str(s.weighted_score),
        "next_level": s.next_level,
        "next_level_en": s.next_level_en,
        "items": [
            {
                "number": i.number,
                "title_th": i.title_th,
                "status": i.status,
                "proposed_status": i.proposed_status,
            }
            for i in s.items
        ],
    }


def score_from_json(data: dict) -> ScoreResult:
    return ScoreResult(
        indicator_code=data["indicator_code"],
        items_met=data["items_met"],
        items_total=data["items_total"],
        result_value=Decimal(data["result_value"]),
        score=Decimal(data["score"]),
        weight=Decimal(data["weight"]),
        weighted_score=Decimal(data["weighted_score"]),
        next_level=data["next_level"],
        next_level_en=data["next_level_en"],
        items=[
            ItemScore(i["number"], i["title_th"], i["status"], i["proposed_status"]) for i in data["items"]
        ],
    )


def compute_score(report: IndicatorReport) -> ScoreResult:
    """The report's score. A signed report answers with the score its signature pinned (the pin's
    "score", see reports/sealing.py): a later library version or weight does not change it."""
    if report.is_signed and report.pinned is not None:
        return score_from_json(report.pinned["score"])
    return live_score(report)


def live_score(report: IndicatorReport) -> ScoreResult:
    """The score from the current library, weight and results (what a signature made now would pin)."""
    results = list(report.results.select_related("criterion").order_by("criterion__number"))
    weight = AgreementIndicator.objects.get(
        agreement=report.round.agreement, indicator=report.indicator
    ).weight
    return _score(
        report.indicator,
        weight,
        [(r.criterion, r.status, r.proposed_status) for r in results],
        report.measured_value,
    )


def unstarted_score(line: AgreementIndicator) -> ScoreResult:
    """The score of an agreement line whose round report does not exist yet: every item undecided."""
    criteria = line.indicator.criteria.order_by("number")
    undecided = CriterionResult.Status.UNDECIDED
    return _score(line.indicator, line.weight, [(c, undecided, undecided) for c in criteria], None)


def _score(indicator, weight, results: list[tuple], measured: Decimal | None) -> ScoreResult:
    """``results``: (criterion, status, proposed status) per item, in item order."""
    scheme = scheme_of(indicator)
    met = [c for c, status, _ in results if status == CriterionResult.Status.MET]
    if scheme.kind == "count":
        value = Decimal(len(met))
        score = scoring.score(scheme, items_met=len(met))
        gap = scoring.next_level_gap(scheme, items_met=len(met))
    elif scheme.kind == "milestone":
        levels = scoring.levels_done_from_steps(
            (c.level, status == CriterionResult.Status.MET) for c, status, _ in results if c.level
        )
        score = scoring.score(scheme, levels_done=levels)
        value = score
        gap = scoring.next_level_gap(scheme, levels_done=levels)
    else:
        value = measured if measured is not None else Decimal(0)
        score = scoring.score(scheme, value=value) if measured is not None else Decimal(0)
        gap = scoring.next_level_gap(scheme, value=value)
    return ScoreResult(
        indicator_code=indicator.code,
        items_met=len(met),
        items_total=len(results),
        result_value=value,
        score=score,
        weight=weight,
        weighted_score=scoring.weighted_score(score, weight),
        next_level=gap.message_th if gap else "",
        next_level_en=gap.message_en if gap else "",
        items=[ItemScore(c.number, c.title_th, status, proposed) for c, status, proposed in results],
    )
