"""Pages of one probe (uptime picture over a chosen period, availability per Bangkok month, incidents,
recent results), the add form, the run-now button, the incidents list, the uptime picture as SVG or
PNG, and the availability report PDF of a unit. Adding and running need the collector's capability
(UPLOAD) in the probe's unit."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from lakthan.core import access, params, roles
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.models import Unit
from lakthan.inventory.models import System
from lakthan.lib.durations import format_duration
from lakthan.operations.engines import uptime as uptime_engine
from lakthan.operations.models import Probe, ProbeResult
from lakthan.operations.probe_forms import ProbeForm
from lakthan.operations.services import availability as av
from lakthan.operations.services import probes as svc

DEFAULT_DAYS = 90


def _lang() -> str:
    return get_language() or "th"


def visible_probe(user, name: str) -> Probe:
    probe = svc.visible_probes(access.visible_unit_ids(user)).filter(name=name).first()
    if probe is None:
        raise Http404(name)
    return probe


def period(request, probe: Probe | None = None) -> tuple[date, date]:
    """``?from=&to=`` (days, both included); by default the last DEFAULT_DAYS days up to the probe's
    newest result (a probe stopped long ago shows its last months, not an empty picture)."""
    newest = None if probe is None else probe.results.order_by("-at").values_list("at", flat=True).first()
    end = params.day(request, "to") or (timezone.localdate(newest) if newest else timezone.localdate())
    start = params.day(request, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    try:
        av.check_period(start, end)
    except InvalidInput as exc:
        raise BadRequest(exc.message_en) from None
    return start, end


@login_required
def probe_detail(request, name: str):
    probe = visible_probe(request.user, name)
    start, end = period(request, probe)
    data = av.availability(probe, start, end)
    (row,) = svc.probe_rows([probe])
    query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    return render(
        request,
        "operations/probe.html",
        {
            "probe": probe,
            "row": row,
            "start": start,
            "end": end,
            "data": data,
            "months": [_shown(m) for m in data["months"]],
            "whole": _shown(data),
            "query": query,
            "incidents": [svc.incident_row(i) for i in svc.incidents(probe=probe)[:50]],
            "results": ProbeResult.objects.filter(probe=probe).order_by("-at")[:50],
            "may_run": roles.can(request.user, svc.CHANGE, probe.unit),
            "warn_days": svc.engine.WARN_DAYS,
        },
    )


def _shown(part: dict) -> dict:
    """A month (or the whole period) as the page shows it: a percentage and hours, Thai digits."""
    thai = av.thai_digits_on()
    return {
        **part,
        "percent": uptime_engine.percent(part["ratio"], thai=thai, places=3),
        **{f"{k}_h": f"{part[k + '_s'] / 3600:.2f}" for k in ("up", "down", "unknown")},
    }


def _choices(user):
    allowed = roles.scope(user, svc.CHANGE)
    units = Unit.objects.all() if allowed is None else Unit.objects.filter(pk__in=allowed)
    systems = System.objects.filter(active=True).select_related("unit")
    if allowed is not None:
        systems = systems.filter(unit_id__in=allowed)
    return (
        [(u.code, f"{u.code} · {u.name_th}") for u in units.order_by("code")],
        [(s.code, f"{s.code} · {s.name_th}") for s in systems.order_by("code")],
    )


@login_required
def probe_add(request):
    units, systems = _choices(request.user)
    if not units:
        raise PermissionDenied(svc.CHANGE)
    form = ProbeForm(request.POST or None, units=units, systems=systems)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = access.unit_for(request.user, data["unit"], svc.CHANGE)
        system = System.objects.filter(code=data["system"]).first() if data["system"] else None
        try:
            probe = svc.add_probe(
                data["name"],
                unit,
                url=data["url"],
                expect_text=data["expect_text"],
                status=data["status"],
                tcp=data["tcp"],
                ca_file=data["ca_file"],
                every_s=data["every"],
                timeout_s=data["timeout_s"],
                website=data["website"],
                system=system,
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("operations:probe", name=probe.name)
    return render(request, "operations/probe_form.html", {"form": form})


@login_required
@require_POST
def probe_run(request, name: str):
    probe = visible_probe(request.user, name)
    access.require(request.user, svc.CHANGE, probe.unit)
    svc.run_probe(probe)
    if request.POST.get("next") == "index":
        return redirect("operations:index")
    return redirect("operations:probe", name=probe.name)


@login_required
def incidents(request):
    open_only = request.GET.get("open") == "1"
    rows = [
        svc.incident_row(i)
        for i in svc.incidents(access.visible_unit_ids(request.user), open_only=open_only)[:300]
    ]
    for row in rows:
        row["duration"] = format_duration(row["duration_s"]) if row["duration_s"] is not None else ""
    return render(request, "operations/incidents.html", {"rows": rows, "open_only": open_only})


@login_required
def probe_uptime(request, name: str, fmt: str):
    if fmt not in av.FORMATS:
        raise Http404(fmt)
    probe = visible_probe(request.user, name)
    start, end = period(request, probe)
    response = HttpResponse(av.uptime(probe, start, end, fmt), content_type=av.FORMATS[fmt])
    if fmt == "svg":  # drawn from names people typed: no script may run in it
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if "download" in request.GET:
        response["Content-Disposition"] = (
            f'attachment; filename="uptime-{probe.pk}-{start.isoformat()}-{end.isoformat()}.{fmt}"'
        )
    return response


@login_required
def availability_pdf(request, code: str):
    unit = access.unit_for(request.user, code)
    start, end = period(request)
    response = HttpResponse(av.availability_pdf(unit, start, end), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="availability-{unit.code}-{start.isoformat()}-{end.isoformat()}.pdf"'
    )
    return response
