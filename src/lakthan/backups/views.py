"""Web pages for item 1: systems, runs, the calendar, compliance per round, restore tests; the pages
that change things are in actions.py."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from lakthan.backups.engines import calendar_picture
from lakthan.backups.models import BackupSystem, RestoreTest
from lakthan.backups.services import compliance as svc
from lakthan.backups.services.systems import policy_of
from lakthan.core import access, jobs, params, roles
from lakthan.indicators.engines.periods import fiscal_year_bounds, fiscal_year_of, round_bounds


def _visible_systems(user):
    allowed = access.visible_unit_ids(user)
    qs = BackupSystem.objects.select_related("system__unit")
    return qs if allowed is None else qs.filter(system__unit_id__in=allowed)


def visible_system(user, name: str) -> BackupSystem:
    system = _visible_systems(user).filter(name=name).first()
    if system is None:
        raise Http404(name)
    return system


def _thai() -> bool:
    return (get_language() or "th").startswith("th")


def _fy_period(system: BackupSystem, fy: int | None) -> tuple[int, date, date]:
    today = timezone.localdate()
    fy = fy or fiscal_year_of(today)
    start, end = fiscal_year_bounds(fy)
    return fy, start, min(end, max(today, start))


def _svg(cal) -> HttpResponse:
    response = HttpResponse(calendar_picture.to_svg(cal), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_required
def systems(request):
    rows = []
    today = timezone.localdate()
    fy = params.fiscal_year(request) or fiscal_year_of(today)
    start, end = fiscal_year_bounds(fy)
    for system in _visible_systems(request.user):
        comp = svc.system_compliance(system, start, min(end, max(today, start)), today=today)
        rows.append(
            {
                "system": system,
                "policy": policy_of(system),
                "last_run": system.runs.first(),
                "last_verification": system.verifications.first(),
                "last_restore": system.restore_tests.first(),
                "percent": comp.percent_met,
                "missed": len(comp.missed),
            }
        )
    manage = roles.scope(request.user, roles.MANAGE)
    return render(
        request,
        "backups/systems.html",
        {"rows": rows, "fy": fy, "can_add": manage is None or bool(manage)},
    )


@login_required
def system_detail(request, name: str):
    system = visible_system(request.user, name)
    fy, start, end = _fy_period(system, params.fiscal_year(request))
    comp = svc.system_compliance(system, start, end)
    return render(
        request,
        "backups/system.html",
        {
            "system": system,
            "policy": policy_of(system),
            "fy": fy,
            "start": start,
            "end": end,
            "compliance": comp,
            "runs": system.runs.all()[:30],
            "verifications": system.verifications.all()[:10],
            "restore_tests": system.restore_tests.all()[:10],
            "alerts": system.alerts.all()[:10],
            "can_run": roles.can(request.user, roles.DECIDE, system.system.unit),
            "can_manage": roles.can(request.user, roles.MANAGE, system.system.unit),
            "jobs": [(job, jobs.label(job.kind)) for job in jobs.recent("backup.", system.name)],
        },
    )


@login_required
def system_calendar(request, name: str):
    system = visible_system(request.user, name)
    fy, start, end = _fy_period(system, params.fiscal_year(request))
    comp = svc.system_compliance(system, start, end)
    row = svc.SystemRow(system, comp, set(svc.snapshot_days(system, start, end)), None, None)
    return _svg(svc.calendar_for([row], start, end, system.system.name_th, thai=_thai()))


def _round(request, code: str, fy: int, months: int):
    unit = access.unit_for(request.user, code)
    try:
        start, end = round_bounds(fy, months)
    except (TypeError, ValueError):
        raise Http404("round") from None
    return unit, start, end, svc.unit_compliance(unit, start, end)


@login_required
def round_compliance(request, code: str, fy: int, months: int):
    from lakthan.backups.checks import judge

    unit, start, end, rows = _round(request, code, fy, months)
    status, figures = judge(rows)
    return render(
        request,
        "backups/round.html",
        {
            "unit": unit,
            "fy": fy,
            "months": months,
            "start": start,
            "end": end,
            "rows": rows,
            "status": status,
            "figures": figures,
        },
    )


@login_required
def round_calendar(request, code: str, fy: int, months: int):
    unit, start, end, rows = _round(request, code, fy, months)
    title = f"{unit.name_th if _thai() else (unit.name_en or unit.name_th)} {start.isoformat()} – {end.isoformat()}"
    return _svg(svc.calendar_for(rows, start, end, title, thai=_thai()))


@login_required
def restore_tests(request):
    tests = RestoreTest.objects.filter(system__in=_visible_systems(request.user)).select_related("system")[
        :100
    ]
    return render(request, "backups/restore_tests.html", {"tests": tests})
