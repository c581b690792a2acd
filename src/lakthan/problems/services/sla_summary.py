"""The problem log measured against its service levels (item 6): per unit and period (Bangkok days,
both included) the problems reported, how many were fixed within their time, how many breached it,
the median time to fix, per Bangkok month and per severity; the same as an official Thai document;
and the warning to the assignee of an open problem about to breach.

Each problem is judged on the terms it was given when it was logged (``sla_hours``,
``sla_business_hours``, ``due_at``), never on today's targets:

* within SLA: closed, fixed at or before ``due_at``;
* breached: closed after ``due_at``, or still open and past ``due_at`` at the earlier of now and the
  end of the period (``over_s`` is how far past, counted as its SLA counts: office seconds for a
  business-hours SLA);
* a problem logged without a target for its severity counts in ``no_sla`` only;
* a cancelled problem is not counted at all.

The time to fix is counted as the problem's SLA counts (business seconds for a business-hours SLA,
``engines.sla.used_seconds``; calendar seconds otherwise, and for a problem without SLA)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from statistics import median

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lakthan.core import audit, notifications
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person, Unit
from lakthan.lib.timezones import BANGKOK, end_of_day
from lakthan.lib.timezones import iso as _iso
from lakthan.problems.engines.sla import HOUR, Calendar, used_seconds
from lakthan.problems.models import Problem
from lakthan.problems.services.sla import calendar_in_force

SEVERITY_TH = {1: "วิกฤต", 2: "สูง", 3: "ปานกลาง", 4: "ต่ำ"}
SEVERITY_EN = {1: "Critical", 2: "High", 3: "Medium", 4: "Low"}
OPEN_STATES = (Problem.Status.OPEN, Problem.Status.IN_PROGRESS)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=BANGKOK).astimezone(UTC)


def _months(start: date, end: date) -> list[str]:
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def problems_in(unit: Unit | None, start: date, end: date, unit_ids: set[int] | None = None) -> list[Problem]:
    """The problems reported in the period by the unit and those below it (not cancelled)."""
    if end < start:
        raise InvalidInput(
            f"วันสิ้นสุด ({end}) อยู่ก่อนวันเริ่ม ({start})", f"the end ({end}) is before the start ({start})"
        )
    qs = (
        Problem.objects.filter(reported_at__gte=start_of_day(start), reported_at__lt=end_of_day(end))
        .exclude(status=Problem.Status.CANCELLED)
        .select_related("unit", "system", "assignee")
        .order_by("reported_at", "pk")
    )
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return list(qs)


def judge(problem: Problem, cutoff: datetime, calendar: Calendar) -> tuple[str, int | None]:
    """(``within`` | ``breached`` | ``open`` (not yet due at ``cutoff``) | ``no_sla``, over_s)."""
    if problem.due_at is None:
        return "no_sla", None
    business = problem.sla_business_hours
    if problem.status == Problem.Status.CLOSED and problem.fixed_at is not None:
        if problem.fixed_at <= problem.due_at:
            return "within", None
        return "breached", used_seconds(problem.due_at, problem.fixed_at, business, calendar)
    if problem.due_at < cutoff:
        return "breached", used_seconds(problem.due_at, cutoff, business, calendar)
    return "open", None


def fix_seconds(problem: Problem, calendar: Calendar) -> int | None:
    """How long a closed problem took, counted as its SLA counts."""
    if problem.status != Problem.Status.CLOSED or problem.fixed_at is None:
        return None
    return used_seconds(problem.reported_at, problem.fixed_at, problem.sla_business_hours, calendar)


@dataclass
class _Tally:
    problems: int = 0
    within_sla: int = 0
    breached: int = 0
    fix: list[int] = field(default_factory=list)


def _median(values: list[int]) -> int | None:
    return int(round(median(values))) if values else None


def sla_summary(
    unit: Unit,
    start: date,
    end: date,
    now: datetime | None = None,
    unit_ids: set[int] | None = None,
) -> dict:
    """The summary of the period (see the module's docstring); ``unit_ids`` narrows it to the units a
    caller may see."""
    now = now or timezone.now()
    cutoff = min(now, end_of_day(end))
    calendar = calendar_in_force()
    months = {m: _Tally() for m in _months(start, end)}
    severities = {s: _Tally() for s in SEVERITY_TH}
    breached: list[dict] = []
    counts = {"closed": 0, "open": 0, "within_sla": 0, "no_sla": 0}
    fixes: list[int] = []
    problems = problems_in(unit, start, end, unit_ids)
    for p in problems:
        month = months.setdefault(f"{p.reported_at.astimezone(BANGKOK):%Y-%m}", _Tally())
        sev = severities.setdefault(p.severity, _Tally())
        month.problems += 1
        sev.problems += 1
        counts["closed" if p.status == Problem.Status.CLOSED else "open"] += 1
        took = fix_seconds(p, calendar)
        if took is not None:
            fixes.append(took)
            month.fix.append(took)
        verdict, over_s = judge(p, cutoff, calendar)
        if verdict == "no_sla":
            counts["no_sla"] += 1
        elif verdict == "within":
            counts["within_sla"] += 1
            month.within_sla += 1
            sev.within_sla += 1
        elif verdict == "breached":
            month.breached += 1
            sev.breached += 1
            breached.append(
                {
                    "id": p.pk,
                    "title": p.title,
                    "severity": p.severity,
                    "unit": p.unit.code,
                    "system": p.system.code if p.system is not None else None,
                    "assignee": p.assignee.display_name if p.assignee is not None else None,
                    "status": p.status,
                    "reported_at": _iso(p.reported_at),
                    "due_at": _iso(p.due_at),
                    "fixed_at": _iso(p.fixed_at) if p.status == Problem.Status.CLOSED else None,
                    "sla_hours": p.sla_hours,
                    "business_hours": p.sla_business_hours,
                    "over_s": over_s,
                }
            )
    return {
        "problems": len(problems),
        "closed": counts["closed"],
        "open": counts["open"],
        "within_sla": counts["within_sla"],
        "breached": breached,
        "no_sla": counts["no_sla"],
        "median_fix_s": _median(fixes),
        "judged_at": _iso(cutoff),
        "months": [
            {
                "month": key,
                "problems": m.problems,
                "within_sla": m.within_sla,
                "breached": m.breached,
                "median_fix_s": _median(m.fix),
            }
            for key, m in sorted(months.items())
        ],
        "by_severity": [
            {"severity": sev_no, "problems": t.problems, "within_sla": t.within_sla, "breached": t.breached}
            for sev_no, t in sorted(severities.items())
        ],
    }


def problems_pdf(unit: Unit, start: date, end: date) -> bytes:
    """The official Thai summary "สรุปผลการแก้ไขปัญหาการใช้งานระบบสารสนเทศ" of the unit and period."""
    from lakthan.problems.services import sla_report

    return sla_report.render(unit, start, end)


# --- the warning before a breach ------------------------------------------------------------------


def _channels(person: Person) -> tuple[list[str], str]:
    """(e-mail addresses, webhook URL) a person is reached at, as web/notify.py reaches a user: the
    login user's address (else the person's own) unless they turned e-mail off, and their webhook."""
    user = person.user
    pref = getattr(user, "notification_preference", None) if user is not None else None
    emails: list[str] = []
    if pref is None or pref.by_email:
        address = (user.email if user is not None else "") or person.email
        if address:
            emails.append(address)
    return emails, (pref.webhook_url if pref is not None else "")


def _left_text(seconds: int, business: bool) -> tuple[str, str]:
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    unit_th = "ชั่วโมงทำการ" if business else "ชั่วโมง"
    unit_en = "office hours" if business else "hours"
    return f"{hours} {unit_th} {minutes} นาที", f"{hours} {unit_en} {minutes} min"


def _path_of(problem: Problem) -> str:
    """The problem's page (the log's, when that page exists), else the service-level page."""
    for name, args in (("problems:problem", [problem.pk]), ("problems:sla", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/problems/"


def _warning(problem: Problem, left_s: int) -> notifications.Message:
    url = settings.LAKTHAN_BASE_URL.rstrip("/") + _path_of(problem)
    due_local = problem.due_at.astimezone(BANGKOK) if problem.due_at else None
    due = f"{due_local:%Y-%m-%d %H:%M}" if due_local else "–"
    left_th, left_en = _left_text(left_s, problem.sla_business_hours)
    system = f" ({problem.system.code})" if problem.system is not None else ""
    if left_s > 0:
        th = f"ปัญหา #{problem.pk} “{problem.title}”{system} ใกล้ครบกำหนดแก้ไข: เหลือ {left_th} (ครบกำหนด {due} น.)"
        en = f"Problem #{problem.pk} “{problem.title}”{system} is about to breach its SLA: {left_en} left (due {due} Bangkok)"
    else:
        th = f"ปัญหา #{problem.pk} “{problem.title}”{system} เกินกำหนดแก้ไขแล้ว (ครบกำหนด {due} น.)"
        en = f"Problem #{problem.pk} “{problem.title}”{system} is past its SLA (due {due} Bangkok)"
    return notifications.bilingual(
        th,
        en,
        url,
        problem=problem.pk,
        severity=problem.severity,
        due_at=_iso(problem.due_at),
        left_s=left_s,
    )


def warn_due(now: datetime | None = None) -> int:
    """Tells the assignee of each open problem whose remaining time is under
    LAKTHAN_PROBLEM_WARN_PERCENT per cent of its allowed time (counted as its SLA counts), once:
    ``warned_at`` is set when the message went out. A problem whose assignee has no channel, or whose
    delivery failed, is tried again on the next run. Returns the number of warnings sent."""
    now = now or timezone.now()
    percent = float(getattr(settings, "LAKTHAN_PROBLEM_WARN_PERCENT", 25))
    calendar: Calendar | None = None
    sent = 0
    candidates = Problem.objects.filter(
        status__in=OPEN_STATES,
        warned_at__isnull=True,
        due_at__isnull=False,
        sla_hours__isnull=False,
        assignee__isnull=False,
        reported_at__lte=now,
    ).select_related("assignee__user", "system")
    for problem in candidates.iterator(chunk_size=500):
        allowed = int(problem.sla_hours or 0) * HOUR
        assert problem.due_at is not None
        if now >= problem.due_at:
            left = 0  # past due already (the walk over the days since it was reported is not needed)
        elif not problem.sla_business_hours:
            left = int((problem.due_at - now).total_seconds())
        else:
            calendar = calendar or calendar_in_force()
            left = max(1, allowed - used_seconds(problem.reported_at, now, True, calendar))
        if left >= allowed * percent / 100:
            continue
        assert problem.assignee is not None
        emails, webhook = _channels(problem.assignee)
        if not emails and not webhook:
            continue
        delivery = notifications.deliver(_warning(problem, left), emails=emails, webhook_url=webhook)
        if not delivery.ok and not (delivery.emailed or delivery.webhook_sent):
            continue
        with transaction.atomic():
            claimed = Problem.objects.filter(pk=problem.pk, warned_at__isnull=True).update(warned_at=now)
            if claimed:
                problem.warned_at = now
                audit.record(
                    audit.SYSTEM,
                    "problem.sla_warn",
                    problem,
                    after={"warned_at": _iso(now), "left_s": left, "to": problem.assignee.display_name},
                )
        sent += bool(claimed)
    return sent
