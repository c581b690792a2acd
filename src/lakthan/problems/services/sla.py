"""The service level a problem is held to: the target in force when it was reported and the work
calendar its business hours are counted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lakthan.problems.engines.sla import Calendar, due_at
from lakthan.problems.models import SlaTarget, WorkCalendar


@dataclass(frozen=True)
class SlaTerms:
    hours: int
    business_hours: bool
    due_at: datetime


def calendar_in_force() -> Calendar:
    """The newest loaded work calendar; Thai office hours without holidays when none is loaded."""
    loaded = WorkCalendar.objects.first()
    if loaded is None:
        return Calendar()
    return Calendar(
        office_start=loaded.office_start,
        office_end=loaded.office_end,
        workdays=frozenset(int(d) for d in loaded.workdays.split(",") if d.strip()),
        holidays=frozenset(loaded.holidays.values_list("day", flat=True)),
    )


def target_for(severity: int, reported_at: datetime) -> SlaTarget | None:
    """The target in force when the problem was reported; for a problem entered in the log after the
    fact, from before any target was set, the first target set for its severity."""
    targets = SlaTarget.objects.filter(severity=severity)
    return (
        targets.filter(set_at__lte=reported_at).order_by("-set_at", "-pk").first()
        or targets.order_by("set_at", "pk").first()
    )


def terms_for(severity: int, reported_at: datetime, calendar: Calendar | None = None) -> SlaTerms | None:
    target = target_for(severity, reported_at)
    if target is None:
        return None
    calendar = calendar or calendar_in_force()
    return SlaTerms(
        target.hours,
        target.business_hours,
        due_at(reported_at, target.hours, target.business_hours, calendar),
    )
