"""Pages of drills and incidents: the list, a drill's page (timeline, each system measured against
its targets, the newest backup before the start), the record form, the incident update form, the
escalation of a monitoring alert to an incident, the drill report PDF. Recording needs DECIDE in
the unit, as running a check does."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lakthan.core import access, roles
from lakthan.core.dayfield import parse_day
from lakthan.core.errors import LakthanError
from lakthan.core.models import Unit
from lakthan.inventory.models import System
from lakthan.monitoring import scope as monitoring_scope
from lakthan.risks.drill_forms import DrillForm, IncidentUpdateForm
from lakthan.risks.models import Drill
from lakthan.risks.services import drills as svc

EVENTS = {
    "detected": _("Detected"),
    "contained": _("Contained"),
    "recovered": _("Recovered"),
    "note": _("Note"),
}


def _lang() -> str:
    return get_language() or "th"


def _visible_drills(user):
    qs = Drill.objects.select_related("unit").prefetch_related("systems__system")
    allowed = access.visible_unit_ids(user)
    return qs if allowed is None else qs.filter(unit_id__in=allowed)


def visible_drill(user, pk: int) -> Drill:
    drill = _visible_drills(user).filter(pk=pk).first()
    if drill is None:
        raise Http404(pk)
    return drill


@login_required
def drill_list(request):
    qs = _visible_drills(request.user)
    kind = request.GET.get("kind", "")
    if kind in Drill.Kind.values:
        qs = qs.filter(kind=kind)
    drills = list(qs.order_by("-started", "-pk")[:300])
    may_record = roles.scope(request.user, roles.DECIDE) != set()
    return render(
        request,
        "risks/drills.html",
        {"drills": drills, "kind": kind, "kinds": Drill.Kind.choices, "may_record": may_record},
    )


@login_required
def drill_detail(request, pk: int):
    drill = visible_drill(request.user, pk)
    rows = []
    for r in drill.systems.select_related("system"):
        rows.append({"row": r, "backup": svc.newest_backup_before(r.system, drill.started)})
    timeline = [
        {
            **e,
            "when": datetime.fromisoformat(e["at"].replace("Z", "+00:00")),
            "label": EVENTS.get(e.get("event", ""), ""),
        }
        for e in drill.timeline
    ]
    return render(
        request,
        "risks/drill.html",
        {
            "drill": drill,
            "rows": rows,
            "timeline": timeline,
            "may_update": drill.kind == Drill.Kind.INCIDENT
            and roles.can(request.user, roles.DECIDE, drill.unit),
        },
    )


def _choices(user):
    allowed = roles.scope(user, roles.DECIDE)
    units = Unit.objects.all() if allowed is None else Unit.objects.filter(pk__in=allowed)
    systems = System.objects.filter(active=True).select_related("unit")
    if allowed is not None:
        systems = systems.filter(unit_id__in=allowed)
    return (
        [(u.code, f"{u.code} · {u.name_th}") for u in units.order_by("code")],
        [(s.code, f"{s.code} · {s.name_th} ({s.unit.code})") for s in systems.order_by("code")],
    )


@login_required
def drill_record(request):
    units, systems = _choices(request.user)
    if not units:
        raise PermissionDenied(roles.DECIDE)
    form = DrillForm(request.POST or None, units=units, systems=systems)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = access.unit_for(request.user, data["unit"], roles.DECIDE)
        try:
            drill = svc.record_drill(
                unit=unit,
                systems=data["systems"],
                scenario=data["scenario"],
                started=data["started"],
                restored=data["restored"],
                kind=data["kind"],
                title=data["title"],
                people=data["people"],
                notes=data["notes"],
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("risks:drill", pk=drill.pk)
    return render(request, "risks/drill_form.html", {"form": form, "mode": "record"})


@login_required
def incident_update(request, pk: int):
    drill = visible_drill(request.user, pk)
    if drill.kind != Drill.Kind.INCIDENT:
        raise Http404(pk)
    access.require(request.user, roles.DECIDE, drill.unit)
    form = IncidentUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.update_incident(
                drill,
                contained=data["contained"],
                restored=data["restored"],
                note=data["note"],
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("risks:drill", pk=drill.pk)
    return render(request, "risks/drill_form.html", {"form": form, "mode": "update", "drill": drill})


@login_required
@require_POST
def escalate(request, alert_id: int):
    """The "escalate to incident" button of the monitoring alerts page: those who may review the alert
    (DECIDE in its host's unit) may make an incident of it; an alert already escalated leads to its
    incident."""
    alert = monitoring_scope.visible_alerts(request.user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404(alert_id)
    existing = svc.incident_for(alert)
    if existing is None:
        if not monitoring_scope.may_review(request.user, alert):
            raise PermissionDenied(roles.DECIDE)
        try:
            existing = svc.escalate_alert(alert, actor=request.user.get_username())
        except LakthanError as exc:
            return render(request, "risks/drill_error.html", {"message": exc.message(_lang())}, status=400)
    return redirect("risks:drill", pk=existing.pk)


@login_required
def alert_incident(request, alert_id: int):
    """From an alert to the incident made of it (a GET link the alerts page can offer)."""
    alert = monitoring_scope.visible_alerts(request.user).filter(pk=alert_id).first()
    drill = svc.incident_for(alert) if alert else None
    if drill is None:
        raise Http404(alert_id)
    return redirect("risks:drill", pk=drill.pk)


def _day(request, name: str, label_th: str) -> date:
    try:
        day = parse_day(request.GET.get(name), label_th, name)
    except LakthanError as exc:
        raise Http404(exc.message(_lang())) from None
    if day is None:
        raise Http404(name)
    return day


@login_required
def drill_report(request):
    unit = access.unit_for(request.user, request.GET.get("unit", ""))
    start, end = _day(request, "start", "วันเริ่ม"), _day(request, "end", "วันสิ้นสุด")
    pdf = svc.drill_report_pdf(unit, start, end)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="drills-{unit.code}-{start}-{end}.pdf"'
    return response
