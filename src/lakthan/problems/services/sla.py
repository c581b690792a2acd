"""The service level a problem is held to: the target in force when it was reported and the work
calendar its business hours are counted on. Setting a target and loading a calendar are here too;
every setting is kept (a problem keeps the terms it was given), each change audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.problems.engines.sla import Calendar, due_at
from lakthan.problems.engines.work_calendar import (
    SHIPPED_PATH,
    CalendarRejected,
    WorkCalendarFile,
    parse_calendar,
)
from lakthan.problems.models import Holiday, SlaTarget, WorkCalendar

MAX_HOURS = 24 * 366  # a year: a longer "target" is a typing mistake


@dataclass(frozen=True)
class SlaTerms:
    hours: int
    business_hours: bool
    due_at: datetime


def calendar_in_force() -> Calendar:
    """The newest loaded work calendar; the shipped Thai government calendar (office hours 08:30–16:30,
    Monday to Friday, the public holidays of 2012–2027) when none is loaded."""
    loaded = WorkCalendar.objects.first()
    if loaded is None:
        return shipped_calendar().calendar
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


# --- the targets ----------------------------------------------------------------------------------


def set_target(
    severity: int, hours: int, business_hours: bool = False, actor: str = audit.SYSTEM
) -> SlaTarget:
    """A new target for a severity, in force for problems reported from now on."""
    if severity not in (1, 2, 3, 4):
        raise InvalidInput(
            f"ระดับความรุนแรงต้องเป็น 1–4 (ได้ {severity})", f"severity must be 1-4 (got {severity})"
        )
    if not 1 <= hours <= MAX_HOURS:
        raise InvalidInput(
            f"จำนวนชั่วโมงต้องอยู่ระหว่าง 1 ถึง {MAX_HOURS} (ได้ {hours})",
            f"hours must be from 1 to {MAX_HOURS} (got {hours})",
        )
    with transaction.atomic():
        before = targets_in_force().get(severity)
        target = SlaTarget.objects.create(
            severity=severity, hours=hours, business_hours=business_hours, set_by=actor or audit.SYSTEM
        )
        audit.record(actor, "problem.sla_set", target, before=audit.snapshot(before))
    return target


def targets_in_force() -> dict[int, SlaTarget]:
    """The newest target of each severity that has one."""
    found: dict[int, SlaTarget] = {}
    for target in SlaTarget.objects.order_by("severity", "-set_at", "-pk"):
        found.setdefault(target.severity, target)
    return found


# --- the work calendar ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def shipped_calendar() -> WorkCalendarFile:
    return parse_calendar(SHIPPED_PATH.read_bytes())


@lru_cache(maxsize=8)
def _parsed(sha256: str, text: str) -> WorkCalendarFile:
    return parse_calendar(text.encode("utf-8"))


def calendar_file_in_force() -> tuple[WorkCalendar | None, WorkCalendarFile]:
    """(the loaded row or None for the shipped file, the calendar with its holidays' names)."""
    loaded = WorkCalendar.objects.first()
    if loaded is None:
        return None, shipped_calendar()
    return loaded, _parsed(loaded.sha256, loaded.text)


def load_calendar(text: str, name: str, actor: str = audit.SYSTEM) -> WorkCalendar:
    """Puts a work calendar in force (its holidays stored as rows); refused whole, with every bad line
    named, prefixed by ``name`` (the file it came from). Problems already logged keep their due time."""
    data = text.encode("utf-8")
    try:
        parsed = parse_calendar(data)
    except CalendarRejected as exc:
        raise InvalidInput(f"{name}: {exc.message_th}", f"{name}: {exc.message_en}") from None
    with transaction.atomic():
        row = WorkCalendar.objects.create(
            name=parsed.name,
            text=text,
            sha256=hashlib.sha256(data).hexdigest(),
            office_start=parsed.calendar.office_start,
            office_end=parsed.calendar.office_end,
            workdays=",".join(str(d) for d in sorted(parsed.calendar.workdays)),
            loaded_by=actor or audit.SYSTEM,
        )
        Holiday.objects.bulk_create(
            [Holiday(calendar=row, day=h.day, name_th=h.name_th, name_en=h.name_en) for h in parsed.holidays],
            batch_size=500,
        )
        audit.record(
            actor,
            "problem.calendar_load",
            row,
            after={"name": row.name, "sha256": row.sha256, "source": name, "holidays": len(parsed.holidays)},
        )
    return row


def calendar_info(year: int | None = None) -> dict:
    """The calendar in force as the pages, the CLI and the API show it: its name, where it came from,
    office hours, workdays and the holidays (of ``year`` when given)."""
    row, parsed = calendar_file_in_force()
    holidays = [h for h in parsed.holidays if year is None or h.day.year == year]
    years = sorted({h.day.year for h in parsed.holidays})
    return {
        "name": parsed.name,
        "title_th": parsed.title_th,
        "title_en": parsed.title_en,
        "source": "loaded" if row is not None else "shipped",
        "loaded_by": row.loaded_by if row is not None else "",
        "loaded_at": row.loaded_at.isoformat() if row is not None else None,
        "sha256": row.sha256 if row is not None else "",
        "office_start": parsed.calendar.office_start.strftime("%H:%M"),
        "office_end": parsed.calendar.office_end.strftime("%H:%M"),
        "workdays": sorted(parsed.calendar.workdays),
        "years": years,
        "holidays": [
            {"day": h.day.isoformat(), "name_th": h.name_th, "name_en": h.name_en} for h in holidays
        ],
    }
