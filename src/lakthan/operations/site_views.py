"""Pages of the websites (item 8): the website table of the user's units for a period, one website
(its checklist, the accessibility rules it breaks, its content history and checks), "check now" (a
POST; those who may add evidence in the website's unit: collector and above) and the table as PDF."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lakthan.core import access, roles
from lakthan.core.dayfield import parse_day
from lakthan.core.errors import LakthanError
from lakthan.operations.models import Probe
from lakthan.operations.services import sites as svc

IMPACTS = {
    "critical": _("Critical"),
    "serious": _("Serious"),
    "moderate": _("Moderate"),
    "minor": _("Minor"),
}


def _lang() -> str:
    return get_language() or "th"


def _period(request) -> tuple[date, date]:
    """``start`` and ``end`` (B.E. or ISO days), by default the 30 days up to today (Bangkok)."""
    today = timezone.localdate()
    try:
        start = parse_day(request.GET.get("start"), "วันเริ่ม", "start", _lang())
        end = parse_day(request.GET.get("end"), "วันสิ้นสุด", "end", _lang())
    except LakthanError as exc:
        raise Http404(exc.message(_lang())) from None
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        start, end = end, start
    return start, end


def visible_website(user, name: str) -> Probe:
    probe = svc.website_probes().filter(name=name).first()
    if probe is None or not roles.can(user, roles.VIEW, probe.unit):
        raise Http404(name)
    return probe


@login_required
def sites(request):
    start, end = _period(request)
    code = request.GET.get("unit", "")
    unit = access.unit_for(request.user, code) if code else None
    rows = svc.site_table(unit, start, end, unit_ids=access.visible_unit_ids(request.user))
    for r in rows:
        r["checklist_found"] = r["checklist_total"] - len(r["checklist_missing"])
        r["availability_pct"] = None if r["availability"] is None else r["availability"] * 100
    return render(
        request,
        "operations/sites.html",
        {
            "rows": rows,
            "unit": unit,
            "units": access.visible_tree(request.user),
            "start": start,
            "end": end,
            "pdf_unit": unit or _top_unit(request.user),
        },
    )


def _top_unit(user):
    tree = access.visible_tree(user)
    tops = [u for depth, u in tree if depth == 0]
    return tops[0] if len(tops) == 1 else None


@login_required
def site(request, name: str):
    probe = visible_website(request.user, name)
    checks = list(probe.site_checks.order_by("-at", "-pk")[:20])
    check = checks[0] if checks else None
    status = svc.site_status(probe, check)
    a11y = check.a11y if check else None
    return render(
        request,
        "operations/site.html",
        {
            "probe": probe,
            "status": status,
            "check": check,
            "checks": checks,
            "items": list(status["checklist"].items()),
            "counts": [(k, name, a11y.get(k, 0)) for k, name in IMPACTS.items()]
            if a11y is not None
            else None,
            "rules": [
                {**r, "impact_label": IMPACTS.get(r["impact"], r["impact"])}
                for r in (a11y or {}).get("rules", [])
            ],
            "changes": svc.content_changes(probe),
            "may_check": roles.can(request.user, roles.UPLOAD, probe.unit),
        },
    )


@login_required
@require_POST
def site_check(request, name: str):
    probe = visible_website(request.user, name)
    access.require(request.user, roles.UPLOAD, probe.unit)
    svc.check_site(probe, actor=request.user.get_username())
    return redirect("operations:site", name=probe.name)


@login_required
def websites_pdf(request):
    unit = access.unit_for(request.user, request.GET.get("unit", ""))
    start, end = _period(request)
    pdf = svc.websites_pdf(unit, start, end)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="websites-{unit.code}-{start}-{end}.pdf"'
    return response
