"""Running checks: records a CheckRun, stores artefacts as system evidence, proposes results."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lakthan.checks import registry
from lakthan.checks.models import CheckRun
from lakthan.core.errors import NotFound
from lakthan.indicators.models import IndicatorReport
from lakthan.indicators.services import round_period


def check_urns_for(report: IndicatorReport) -> list[str]:
    urns: list[str] = []
    for criterion in report.indicator.criteria.all():
        urns += [u for u in criterion.check_urns if u not in urns]
    return urns


def run_check(urn: str, report: IndicatorReport, trigger: str = "cli") -> CheckRun:
    """Runs one check over the report's round and records the CheckRun. Its artefacts replace the
    ones an earlier run of the same check stored for the report (a new revision when the bytes
    differ; evidence.services.store_check_artefacts). On a signed report the run and its files are
    kept, but no link changes until the report is reopened."""
    check = registry.get(urn)
    if check is None:
        raise NotFound(f"ไม่พบการตรวจสอบ {urn}", f"no check registered as {urn}")
    start, end = round_period(report.round)
    unit = report.round.agreement.unit
    started = timezone.now()
    result = check.run(registry.Period(start, end), unit, report)
    with transaction.atomic():
        run = CheckRun.objects.create(
            check_urn=urn,
            unit=unit,
            report=report,
            period_start=start,
            period_end=end,
            status=result.status,
            summary_th=result.summary_th,
            summary_en=result.summary_en,
            figures={**result.figures, "per_criterion": {str(k): v for k, v in result.per_criterion.items()}},
            started_at=started,
            finished_at=timezone.now(),
            trigger=trigger,
        )
        if result.artefacts:
            from lakthan.evidence.services import store_check_artefacts

            per_criterion = getattr(check, "link_artefacts_to_criteria", True)
            criteria = _criteria_of(report, urn) if per_criterion else []
            store_check_artefacts(run, report, result.artefacts, criteria=criteria)
    return run


def run_all(report: IndicatorReport, trigger: str = "cli") -> list[CheckRun]:
    """Runs every registered check the report's criteria name; unregistered ones are skipped."""
    known = registry.all_checks()
    return [run_check(urn, report, trigger) for urn in check_urns_for(report) if urn in known]


def run_and_propose(report: IndicatorReport, trigger: str = "cli") -> dict[int, tuple[str, str]]:
    """Runs the checks that feed the indicator, then proposes each item's result."""
    run_all(report, trigger=trigger)
    return propose_results(report)


def _criteria_of(report: IndicatorReport, urn: str) -> list[int]:
    return [c.number for c in report.indicator.criteria.all() if urn in c.check_urns]


def latest_runs(report: IndicatorReport) -> dict[str, CheckRun]:
    latest: dict[str, CheckRun] = {}
    for run in CheckRun.objects.filter(report=report).order_by("started_at", "pk"):
        latest[run.check_urn] = run
    return latest


# --- proposals: checks and evidence propose, a person decides ------------------------------------


def propose_results(report: IndicatorReport) -> dict[int, tuple[str, str]]:
    """Sets each criterion's proposed status from the latest check runs and the evidence in force.

    A criterion is proposed met when it has evidence in force at the end of the round and no check
    that feeds it fails; a failing control check (not_met) proposes not met whatever was uploaded; a
    partly-met check keeps the proposal and states the shortfall; a check with no data says nothing.
    The reason is kept in Thai and in English (each UI shows its own); the answer maps each item's
    number to its proposed status and Thai reason.
    """
    from lakthan.checks.checks import URN as COMPLETENESS
    from lakthan.evidence.services import current_evidence_by_criterion

    evidence = current_evidence_by_criterion(report, exclude_check_urns=(COMPLETENESS,))
    runs = latest_runs(report)
    proposals: dict[int, tuple[str, str]] = {}
    with transaction.atomic():
        for result in report.results.select_related("criterion"):
            number = result.criterion.number
            failing, notes = [], []
            for urn in result.criterion.check_urns:
                run = runs.get(urn)
                if run is None or urn == COMPLETENESS:
                    continue
                status = run.figures.get("per_criterion", {}).get(str(number), run.status)
                check = registry.get(urn)
                line = (
                    f"{check.title_th if check else urn}: {run.summary_th}",
                    f"{(check.title_en or check.title_th) if check else urn}: {run.summary_en or run.summary_th}",
                )
                if status in ("not_met", "error"):
                    failing.append(line)
                elif status == "partly":
                    notes.append(line)  # the control runs but not fully: met, with the shortfall stated
            evs = evidence.get(number, [])
            if failing:
                status, reasons = "not_met", failing
            elif evs:
                in_force = (f"หลักฐานที่มีผล {len(evs)} รายการ", f"{len(evs)} piece(s) of evidence in force")
                status, reasons = "met", [in_force, *notes]
            else:
                status, reasons = "not_met", [("ยังไม่มีหลักฐานที่มีผลใช้บังคับ", "no evidence in force yet")]
            result.proposed_status = status
            result.proposal_reason = "; ".join(th for th, _ in reasons)
            result.proposal_reason_en = "; ".join(en for _, en in reasons)
            result.save(update_fields=["proposed_status", "proposal_reason", "proposal_reason_en"])
            proposals[number] = (status, result.proposal_reason)
    return proposals
