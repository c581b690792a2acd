"""Pages of the service levels (item 6): the targets in force (set by an administrator or
supervisor), the summary of a unit's problems in a period per month and severity with the breaches,
its official document as PDF, and the work calendar (office hours, a year's holidays, loading a new
calendar)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.core import access
from lakthan.core.dayfield import parse_day
from lakthan.core.errors import LakthanError
from lakthan.core.services import actor_name
from lakthan.problems.services import sla as svc
from lakthan.problems.services.sla_report import month_th
from lakthan.problems.services.sla_summary import SEVERITY_EN, SEVERITY_TH, sla_summary
from lakthan.problems.sla_forms import MAX_CALENDAR_BYTES, CalendarForm, TargetForm, may_manage


def _lang() -> str:
    return get_language() or "th"


def _thai() -> bool:
    return _lang().startswith("th")


def _period(request) -> tuple[date, date]:
    """``start`` and ``end`` (B.E. or ISO days); by default from the start of the fiscal year (1 October)
    to today, Bangkok."""
    today = timezone.localdate()
    try:
        start = parse_day(request.GET.get("start"), "วันเริ่ม", "start", _lang())
        end = parse_day(request.GET.get("end"), "วันสิ้นสุด", "end", _lang())
    except LakthanError as exc:
        raise Http404(exc.message(_lang())) from None
    end = end or today
    if start is None:
        start = date(end.year if end.month >= 10 else end.year - 1, 10, 1)
    if start > end:
        start, end = end, start
    if (end - start) > timedelta(days=3 * 366):
        raise Http404("the period is longer than three years")
    return start, end


def _unit(request):
    code = request.GET.get("unit", "").strip()
    if code:
        return access.unit_for(request.user, code[:40])
    tree = access.visible_tree(request.user)
    if not tree:
        raise Http404("no unit")
    return tree[0][1]


def _target_rows() -> list[dict]:
    targets = svc.targets_in_force()
    return [
        {
            "severity": s,
            "label": SEVERITY_TH[s] if _thai() else SEVERITY_EN[s],
            "target": targets.get(s),
        }
        for s in (1, 2, 3, 4)
    ]


@login_required
def sla(request):
    unit = _unit(request)
    start, end = _period(request)
    summary = sla_summary(unit, start, end, unit_ids=access.visible_unit_ids(request.user))
    judged = summary["within_sla"] + len(summary["breached"])
    labels = SEVERITY_TH if _thai() else SEVERITY_EN
    for m in summary["months"]:
        m["label"] = month_th(m["month"]) if _thai() else m["month"]
    for s in summary["by_severity"]:
        s["label"] = labels.get(s["severity"], "")
    return render(
        request,
        "problems/sla.html",
        {
            "unit": unit,
            "units": access.visible_tree(request.user),
            "start": start,
            "end": end,
            "summary": summary,
            "breached_count": len(summary["breached"]),
            "within_pct": summary["within_sla"] * 100 / judged if judged else None,
            "targets": _target_rows(),
            "may_manage": may_manage(request.user),
            "form": TargetForm(),
        },
    )


@login_required
@require_POST
def sla_set(request):
    if not may_manage(request.user):
        raise PermissionDenied("sla")
    form = TargetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("problems:sla")
    v = form.cleaned_data
    try:
        target = svc.set_target(
            v["severity"], v["hours"], v["business_hours"], actor=actor_name(request.user)
        )
    except LakthanError as exc:
        messages.error(request, exc.message(_lang()))
        return redirect("problems:sla")
    messages.success(
        request,
        _("Severity %(severity)s: %(hours)s %(kind)s from now on.")
        % {
            "severity": target.severity,
            "hours": target.hours,
            "kind": _("office hours") if target.business_hours else _("hours"),
        },
    )
    return redirect("problems:sla")


@login_required
def sla_pdf(request):
    unit = access.unit_for(request.user, request.GET.get("unit", "")[:40])
    start, end = _period(request)
    from lakthan.problems.services.sla_summary import problems_pdf

    response = HttpResponse(problems_pdf(unit, start, end), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="problems-sla-{unit.code}-{start}-{end}.pdf"'
    return response


@login_required
def calendar(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        raise Http404("year") from None
    if year > 2400:  # a B.E. year typed: the pages take both
        year -= 543
    info = svc.calendar_info(year)
    return _calendar_page(request, info, year, CalendarForm(), [])


def _calendar_page(request, info: dict, year: int, form, problems: list[str], status: int = 200):
    names = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
    if not _thai():
        names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    holidays = [
        {**h, "date": date.fromisoformat(h["day"]), "weekday": names[date.fromisoformat(h["day"]).weekday()]}
        for h in info["holidays"]
    ]
    return render(
        request,
        "problems/calendar.html",
        {
            "info": info,
            "year": year,
            "year_label": year + 543 if _thai() else year,
            "workdays": [names[d] for d in info["workdays"]],
            "holidays": holidays,
            "on_workdays": sum(1 for h in holidays if h["date"].weekday() in info["workdays"]),
            "years": info["years"],
            "may_manage": may_manage(request.user),
            "form": form,
            "problems": problems,
        },
        status=status,
    )


@login_required
@require_POST
def calendar_load(request):
    if not may_manage(request.user):
        raise PermissionDenied("calendar")
    form = CalendarForm(request.POST, request.FILES)
    year = timezone.localdate().year
    if not form.is_valid():
        return _calendar_page(request, svc.calendar_info(year), year, form, [], status=400)
    upload = form.cleaned_data["file"]
    problems: list[str] = []
    if upload.size > MAX_CALENDAR_BYTES:
        form.add_error("file", _("The file is larger than 1 MB."))
    else:
        try:
            text = upload.read().decode("utf-8-sig")
            row = svc.load_calendar(text, upload.name, actor=actor_name(request.user))
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text."))
        except LakthanError as exc:
            problems = [line.strip() for line in exc.message(_lang()).split(";")]
        else:
            messages.success(
                request,
                _("Calendar %(name)s loaded: %(holidays)s holidays.")
                % {"name": row.name, "holidays": row.holidays.count()},
            )
            return redirect("problems:calendar")
    return _calendar_page(request, svc.calendar_info(year), year, form, problems, status=400)
