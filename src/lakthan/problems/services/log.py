"""The problem log (item 6): a problem reported by a unit for a system, its severity, the person
responsible, the fix and the result.

A problem moves open → in progress → closed (fixed), or is cancelled; assigning keeps the status. A
closed or cancelled problem is not changed again except by ``reopen`` (with the reason), which puts it
back open and forgets the fix (the history keeps it). Every change writes a ProblemUpdate (when, who,
the status and the assignee after it, a note) and an audit entry; the problem's row is locked while it
changes, so two people closing it at once cannot both succeed.

The service level is a snapshot taken when the problem is added: the target in force when it was
reported (``sla.terms_for``) gives ``sla_hours``, ``sla_business_hours`` and ``due_at``; a target set
later does not rewrite it. The assignee, when none is given, is the system's owner in force at the
unit on the Bangkok day it was reported (``owners.owner_for``).

Times a person gives (reported, fixed, an update's time) may not lie in the future; one without a
zone is read in Asia/Bangkok."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.inventory.models import System
from lakthan.lib.timezones import BANGKOK, end_of_day
from lakthan.lib.timezones import iso as _iso
from lakthan.problems.engines.sla import used_seconds
from lakthan.problems.models import Problem, ProblemUpdate
from lakthan.problems.services import owners, sla

Status = Problem.Status
OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
DONE_STATUSES = (Status.CLOSED, Status.CANCELLED)
SEVERITY_TH = {1: "วิกฤต", 2: "สูง", 3: "ปานกลาง", 4: "ต่ำ"}
SEVERITY_EN = {1: "critical", 2: "high", 3: "medium", 4: "low"}
STATUS_TH = {
    Status.OPEN: "เปิด",
    Status.IN_PROGRESS: "กำลังแก้ไข",
    Status.CLOSED: "แก้ไขแล้ว",
    Status.CANCELLED: "ยกเลิก",
}
MAX_TEXT = 10_000


# --- reading --------------------------------------------------------------------------------------


def get_problem(pk: int | str) -> Problem:
    text = str(pk).strip().lstrip("#")
    problem = None
    if text.isdigit():
        problem = Problem.objects.select_related("unit", "system", "assignee").filter(pk=int(text)).first()
    if problem is None:
        raise NotFound(f"ไม่พบปัญหาหมายเลข {pk}", f"no problem with id {pk}")
    return problem


def list_problems(
    unit: Unit | None = None,
    *,
    status: str | None = None,
    severity: int | None = None,
    start: date | None = None,
    end: date | None = None,
    system: System | None = None,
    overdue_at: datetime | None = None,
    within: set[int] | None = None,
) -> QuerySet[Problem]:
    """Problems of a unit (and the units below it) reported from ``start`` to ``end`` (Bangkok days,
    both included). ``status``: one of the statuses, or ``unresolved`` (open or in progress);
    ``overdue_at`` keeps the unresolved ones past due at that moment."""
    qs = Problem.objects.select_related("unit", "system", "assignee")
    if within is not None:
        qs = qs.filter(unit_id__in=within)
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if system is not None:
        qs = qs.filter(system=system)
    if status == "unresolved":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if severity is not None:
        qs = qs.filter(severity=severity)
    if start is not None:
        qs = qs.filter(reported_at__gte=end_of_day(start - timedelta(days=1)))
    if end is not None:
        qs = qs.filter(reported_at__lt=end_of_day(end))
    if overdue_at is not None:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=overdue_at)
    return qs.order_by("-reported_at", "-pk")


def is_overdue(problem: Problem, now: datetime | None = None) -> bool:
    """Unresolved and past its due time."""
    return bool(
        problem.status in OPEN_STATUSES
        and problem.due_at is not None
        and problem.due_at < (now or timezone.now())
    )


def within_sla(problem: Problem) -> bool | None:
    """Fixed by its due time; None while unresolved, cancelled, or held to no service level."""
    if problem.status != Status.CLOSED or problem.due_at is None or problem.fixed_at is None:
        return None
    return problem.fixed_at <= problem.due_at


def time_taken_s(problem: Problem, now: datetime | None = None) -> int | None:
    """The time the problem took (or has taken so far), counted as its service level counts: office
    time on workdays for a business-hours level, wall-clock time otherwise; None when cancelled."""
    if problem.status == Status.CANCELLED:
        return None
    end = problem.fixed_at or now or timezone.now()
    return used_seconds(problem.reported_at, end, problem.sla_business_hours, sla.calendar_in_force())


def as_dict(problem: Problem, now: datetime | None = None) -> dict:
    """A problem as `problem show --json` and the API give it."""
    now = now or timezone.now()
    return {
        "id": problem.pk,
        "unit": problem.unit.code,
        "system": problem.system.code if problem.system is not None else None,
        "severity": problem.severity,
        "title": problem.title,
        "detail": problem.detail,
        "reported_at": _iso(problem.reported_at),
        "reported_by": problem.reported_by,
        "assignee": problem.assignee_id,
        "assignee_name": problem.assignee.display_name if problem.assignee is not None else None,
        "status": problem.status,
        "fix": problem.fix,
        "result": problem.result,
        "fixed_at": _iso(problem.fixed_at),
        "sla_hours": problem.sla_hours,
        "sla_business_hours": problem.sla_business_hours,
        "due_at": _iso(problem.due_at),
        "overdue": is_overdue(problem, now),
        "within_sla": within_sla(problem),
        "time_taken_s": time_taken_s(problem, now),
        "created_by": problem.created_by,
    }


def update_dict(update: ProblemUpdate) -> dict:
    return {
        "at": _iso(update.at),
        "actor": update.actor,
        "status": update.status,
        "assignee": update.assignee_id,
        "assignee_name": update.assignee.display_name if update.assignee is not None else None,
        "note": update.note,
    }


def history(problem: Problem) -> list[ProblemUpdate]:
    """The updates in the order they were made (a time entered after the fact may be earlier than the
    one before it: the order of the changes is the order they were recorded)."""
    return list(problem.updates.select_related("assignee").order_by("pk"))


# --- checks ---------------------------------------------------------------------------------------


def _instant(value: datetime, what_th: str, what_en: str, now: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput(f"ต้องระบุ{what_th}", f"{what_en} is required")
    if value.tzinfo is None:
        value = value.replace(tzinfo=BANGKOK)
    if value > now:
        raise InvalidInput(
            f"{what_th} ({value.astimezone(BANGKOK):%Y-%m-%d %H:%M}) อยู่ในอนาคต",
            f"{what_en} ({value.astimezone(BANGKOK):%Y-%m-%d %H:%M} Bangkok) is in the future",
        )
    return value


def _text(value: str | None, what_th: str, what_en: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"ต้องระบุ{what_th}", f"{what_en} is required")
    if len(text) > limit:
        raise InvalidInput(f"{what_th}ยาวเกิน {limit} ตัวอักษร", f"{what_en} is longer than {limit} characters")
    if "\x00" in text:
        raise InvalidInput(f"{what_th}มีอักขระ NUL", f"{what_en} contains a NUL character")
    return text


def _severity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise InvalidInput(
            f"ระดับความรุนแรง {value} ไม่ถูกต้อง: ต้องเป็น 1–4 (1 วิกฤต 2 สูง 3 ปานกลาง 4 ต่ำ)",
            f"severity {value} is not 1–4 (1 critical, 2 high, 3 medium, 4 low)",
        )
    return value


def _lock(problem: Problem) -> Problem:
    # of=self: PostgreSQL locks no row of a nullable joined table (the system, the assignee)
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "system", "assignee")
        .get(pk=problem.pk)
    )


def _still_open(problem: Problem) -> None:
    if problem.status in DONE_STATUSES:
        word_th, word_en = (
            ("ปิดแล้ว", "closed") if problem.status == Status.CLOSED else ("ยกเลิกแล้ว", "cancelled")
        )
        raise InvalidInput(
            f"ปัญหา #{problem.pk} {word_th}: เปลี่ยนแปลงไม่ได้ นอกจากเปิดใหม่ (reopen) พร้อมเหตุผล",
            f"problem #{problem.pk} is {word_en}: it cannot change unless reopened with a reason",
        )


def _update_at(problem: Problem, at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    at = _instant(at, "เวลาที่บันทึก", "the update's time", now)
    if at < problem.reported_at:
        raise InvalidInput(
            f"เวลาที่บันทึกอยู่ก่อนเวลาที่รับแจ้งปัญหา #{problem.pk}",
            f"the update's time is before problem #{problem.pk} was reported",
        )
    return at


def _log(problem: Problem, at: datetime, actor: str, note: str, action: str, before: dict | None) -> None:
    ProblemUpdate.objects.create(
        problem=problem,
        at=at,
        actor=actor or audit.SYSTEM,
        status=problem.status,
        assignee=problem.assignee,
        note=note,
    )
    audit.record(actor, action, problem, before=before)


def _done(problem: Problem, saved: Problem) -> Problem:
    """The caller's object made to match the saved row (it may go on using it)."""
    problem.refresh_from_db()
    return problem if problem.pk == saved.pk else saved


# --- changes --------------------------------------------------------------------------------------


@transaction.atomic
def add_problem(
    unit: Unit,
    *,
    severity: int,
    title: str,
    reported_at: datetime,
    system: System | None = None,
    detail: str = "",
    reported_by: str = "",
    assignee: Person | None = None,
    actor: str = audit.SYSTEM,
) -> Problem:
    """Log a problem; InvalidInput naming what is wrong, nothing stored."""
    now = timezone.now()
    severity = _severity(severity)
    title = _text(title, "ชื่อปัญหา", "the title", required=True, limit=500)
    detail = _text(detail, "รายละเอียด", "the detail", required=False)
    reported_by = _text(reported_by, "ผู้แจ้ง", "reported by", required=False, limit=255)
    reported_at = _instant(reported_at, "เวลาที่รับแจ้ง", "reported at", now)
    if assignee is None and system is not None:
        owner = owners.owner_for(system, unit, reported_at.astimezone(BANGKOK).date())
        assignee = owner.person if owner is not None else None
    terms = sla.terms_for(severity, reported_at)
    problem = Problem.objects.create(
        unit=unit,
        system=system,
        severity=severity,
        title=title,
        detail=detail,
        reported_at=reported_at,
        reported_by=reported_by,
        assignee=assignee,
        status=Status.OPEN,
        sla_hours=terms.hours if terms else None,
        sla_business_hours=terms.business_hours if terms else False,
        due_at=terms.due_at if terms else None,
        created_by=actor or audit.SYSTEM,
    )
    _log(problem, reported_at, actor, "", "problem.add", None)
    return problem


@transaction.atomic
def assign(
    problem: Problem,
    person: Person,
    *,
    actor: str = audit.SYSTEM,
    at: datetime | None = None,
    note: str = "",
) -> Problem:
    """Make ``person`` responsible; the status stays as it is."""
    locked = _lock(problem)
    _still_open(locked)
    now = timezone.now()
    when = _update_at(locked, at, now)
    note = _text(note, "บันทึก", "the note", required=False)
    before = audit.snapshot(locked)
    locked.assignee = person
    locked.save(update_fields=["assignee", "updated_at"])
    _log(locked, when, actor, note, "problem.assign", before)
    return _done(problem, locked)


@transaction.atomic
def start(
    problem: Problem, *, actor: str = audit.SYSTEM, at: datetime | None = None, note: str = ""
) -> Problem:
    """Work on the problem has begun."""
    locked = _lock(problem)
    _still_open(locked)
    if locked.status == Status.IN_PROGRESS:
        raise InvalidInput(f"ปัญหา #{locked.pk} กำลังแก้ไขอยู่แล้ว", f"problem #{locked.pk} is already in progress")
    now = timezone.now()
    when = _update_at(locked, at, now)
    note = _text(note, "บันทึก", "the note", required=False)
    before = audit.snapshot(locked)
    locked.status = Status.IN_PROGRESS
    locked.save(update_fields=["status", "updated_at"])
    _log(locked, when, actor, note, "problem.start", before)
    return _done(problem, locked)


@transaction.atomic
def close_problem(
    problem: Problem, *, fixed_at: datetime, fix: str, result: str = "", actor: str = audit.SYSTEM
) -> Problem:
    """Fixed at ``fixed_at`` (not before it was reported, not in the future), with what was done and
    the result the unit confirmed."""
    locked = _lock(problem)
    _still_open(locked)
    now = timezone.now()
    fixed_at = _instant(fixed_at, "เวลาที่แก้ไขเสร็จ", "fixed at", now)
    if fixed_at < locked.reported_at:
        raise InvalidInput(
            f"เวลาที่แก้ไขเสร็จ ({fixed_at.astimezone(BANGKOK):%Y-%m-%d %H:%M}) อยู่ก่อนเวลาที่รับแจ้ง "
            f"({locked.reported_at.astimezone(BANGKOK):%Y-%m-%d %H:%M})",
            f"fixed at ({fixed_at.astimezone(BANGKOK):%Y-%m-%d %H:%M}) is before reported at "
            f"({locked.reported_at.astimezone(BANGKOK):%Y-%m-%d %H:%M}, Bangkok)",
        )
    fix = _text(fix, "วิธีการแก้ไข", "the fix", required=True)
    result = _text(result, "ผลการแก้ไข", "the result", required=False)
    before = audit.snapshot(locked)
    locked.status = Status.CLOSED
    locked.fixed_at = fixed_at
    locked.fix = fix
    locked.result = result
    locked.save(update_fields=["status", "fixed_at", "fix", "result", "updated_at"])
    _log(locked, fixed_at, actor, fix, "problem.close", before)
    return _done(problem, locked)


@transaction.atomic
def cancel(problem: Problem, *, reason: str, actor: str = audit.SYSTEM) -> Problem:
    """Not a problem after all (a duplicate, reported in error); the reason is required."""
    locked = _lock(problem)
    _still_open(locked)
    reason = _text(reason, "เหตุผลที่ยกเลิก", "the reason", required=True)
    before = audit.snapshot(locked)
    locked.status = Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    _log(locked, max(timezone.now(), locked.reported_at), actor, reason, "problem.cancel", before)
    return _done(problem, locked)


@transaction.atomic
def reopen(problem: Problem, *, reason: str, actor: str = audit.SYSTEM) -> Problem:
    """A closed or cancelled problem back to open (the fix did not hold, cancelled in error): the fix,
    result and fixed time are cleared (the history and the audit trail keep them); the service level
    snapshot stays."""
    locked = _lock(problem)
    if locked.status not in DONE_STATUSES:
        raise InvalidInput(
            f"ปัญหา #{locked.pk} ยังไม่ปิดหรือยกเลิก จึงเปิดใหม่ไม่ได้",
            f"problem #{locked.pk} is neither closed nor cancelled: nothing to reopen",
        )
    reason = _text(reason, "เหตุผลที่เปิดใหม่", "the reason", required=True)
    before = audit.snapshot(locked)
    locked.status = Status.OPEN
    locked.fixed_at = None
    locked.fix = ""
    locked.result = ""
    locked.save(update_fields=["status", "fixed_at", "fix", "result", "updated_at"])
    _log(locked, max(timezone.now(), locked.reported_at), actor, reason, "problem.reopen", before)
    return _done(problem, locked)


def event_of(update: ProblemUpdate, previous: ProblemUpdate | None) -> str:
    """What an update was: reported, assigned, started, closed, cancelled, reopened (for the history)."""
    if previous is None:
        return "reported"
    if update.status == Status.OPEN and previous.status in DONE_STATUSES:
        return "reopened"
    if update.status != previous.status:
        return {Status.IN_PROGRESS: "started", Status.CLOSED: "closed", Status.CANCELLED: "cancelled"}.get(
            Status(update.status), "updated"
        )
    if update.assignee_id != previous.assignee_id:
        return "assigned"
    return "updated"
