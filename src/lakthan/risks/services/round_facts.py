"""What item 3's check judges for a unit's round (checks.py turns it into a result and artefacts).

The day judged is the round's last day, or today while the round runs. The unit is the unit and every
unit below it.

- The plan: a continuity plan of the round's fiscal year approved for the unit or a unit above it on
  or before the day judged (a plan for FY 2556 is often approved in September 2555, before the year
  begins; it is still the year's plan).
- Targets: every active system of criticality ≥ 4 has an RTO and an RPO.
- Drills: drills and incidents that started on a day of the round; those recovered are measured, one
  still open is listed as open.
- Recovery: each system of a recovered drill within its targets (a system without a target is not
  judged here; a critical one is already a shortfall above).
- Treatments: no risk whose inherent level is high on its matrix (``high_from`` of the matrix) with a
  treatment not done past its due date on the day judged. A risk accepted until a day not yet passed
  is not overdue (acceptance is its treatment). The register is read as it stood at the end of the
  day judged, from each risk's newest revision by then: a treatment marked done after the round does
  not rewrite the round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from lakthan.checks.registry import Period
from lakthan.core.models import Unit
from lakthan.indicators.engines.periods import fiscal_year_of
from lakthan.inventory.models import System
from lakthan.lib.timezones import BANGKOK, end_of_day
from lakthan.risks.engines.matrix import Matrix, parse_matrix
from lakthan.risks.models import (
    ContinuityTarget,
    Drill,
    DrillSystem,
    PlanApproval,
    Risk,
    RiskMatrix,
)
from lakthan.risks.services.register import risks_as_of

CRITICAL_FROM = 4


@dataclass
class RoundFacts:
    judged_on: date
    fiscal_year: int
    plan: PlanApproval | None
    critical_systems: list[str]
    critical_without_target: list[str]
    drills: list[Drill]
    open_incidents: list[Drill]
    measured: list[DrillSystem]
    overdue_high: list[dict]  # the risks' revision states (ref, level, due …)
    risks: int
    targets: int
    missed: list[DrillSystem] = field(default_factory=list)

    @property
    def recovered_drills(self) -> list[Drill]:
        return [d for d in self.drills if d.restored is not None]


def judged_day(period: Period) -> date:
    return min(period.end, timezone.localdate())


def _day(moment) -> date:
    return moment.astimezone(BANGKOK).date()


def round_facts(period: Period, unit: Unit) -> RoundFacts:
    unit_ids = unit.descendant_ids()
    judged_on = judged_day(period)
    fiscal_year = fiscal_year_of(period.end)
    covering = unit_ids | {u.pk for u in unit.ancestors()}
    plans = [
        p
        for p in PlanApproval.objects.filter(unit_id__in=covering, fiscal_year=fiscal_year)
        .select_related("unit", "approved_by")
        .order_by("-approved_at", "-pk")
        if _day(p.approved_at) <= judged_on
    ]
    critical = list(
        System.objects.filter(unit_id__in=unit_ids, active=True, criticality__gte=CRITICAL_FROM).order_by(
            "code"
        )
    )
    with_target = set(
        ContinuityTarget.objects.filter(system__in=critical).values_list("system_id", flat=True)
    )
    drills = [
        d
        for d in Drill.objects.filter(Q(unit_id__in=unit_ids) | Q(systems__system__unit_id__in=unit_ids))
        .distinct()
        .order_by("started", "pk")
        if period.start <= _day(d.started) <= period.end
    ]
    measured = list(
        DrillSystem.objects.filter(drill__in=[d for d in drills if d.restored is not None])
        .select_related("drill", "system")
        .order_by("drill__started", "system__code")
    )
    codes = set(Unit.objects.filter(pk__in=unit_ids).values_list("code", flat=True))
    risks = risks_as_of(codes, end_of_day(judged_on))
    matrices = {
        m.pk: parse_matrix(m.text.encode())
        for m in RiskMatrix.objects.filter(pk__in={r["matrix"] for r in risks})
    }
    return RoundFacts(
        judged_on=judged_on,
        fiscal_year=fiscal_year,
        plan=plans[0] if plans else None,
        critical_systems=[s.code for s in critical],
        critical_without_target=[s.code for s in critical if s.pk not in with_target],
        drills=drills,
        open_incidents=[d for d in drills if d.restored is None],
        measured=measured,
        missed=[m for m in measured if m.rto_met is False or m.rpo_met is False],
        overdue_high=[r for r in risks if _overdue_high(r, judged_on, matrices)],
        risks=len(risks),
        targets=ContinuityTarget.objects.filter(system__unit_id__in=unit_ids).count(),
    )


def _overdue_high(risk: dict, judged_on: date, matrices: dict[int, Matrix]) -> bool:
    if not matrices[risk["matrix"]].is_high(risk["level"]):
        return False
    if risk.get("treatment_status") == Risk.TreatmentStatus.DONE:
        return False
    expires = risk.get("acceptance_expires")
    if risk.get("accepted_by") is not None and (expires is None or date.fromisoformat(expires) >= judged_on):
        return False
    due = risk.get("due")
    return due is not None and date.fromisoformat(due) < judged_on
