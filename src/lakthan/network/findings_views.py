"""The network findings page (as of a day, by kind and unit, counts by kind) and the two documents of
item 9 for a unit: the findings and the address plan. A user sees the findings of the units they may
see (a finding belongs to the units its address is registered in or lies in a prefix of)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lakthan.core import access, params
from lakthan.network.engines.findings import KINDS
from lakthan.network.services import findings as svc
from lakthan.network.services import report

PAGE_SIZE = 200
KIND_LABELS = {
    "unregistered": _("Seen, not registered"),
    "mac_mismatch": _("Another MAC than registered"),
    "stale": _("Registered, not seen"),
    "outside_plan": _("Outside the address plan"),
    "duplicate_registration": _("Registered more than once"),
}


def _filters(request) -> dict:
    day = params.day(request, "as_of")  # None: today, from the register as it is
    code = params.text(request, "unit", 60)
    unit = access.unit_for(request.user, code) if code else None
    kind = params.text(request, "kind", 30)
    return {
        "as_of": day or timezone.localdate(),
        "day": day,
        "unit": unit,
        "kind": kind if kind in KINDS else "",
    }


def _detail(f, thai: bool) -> str:
    """The Thai UI writes the detail in Thai from the finding's facts (dates B.E.); English keeps the
    detail of the JSON and the API."""
    return mark_safe(report.detail_th(f)) if thai else f.detail  # escaped by detail_th


@login_required
def findings(request):
    filters = _filters(request)
    found = svc.judge(filters["unit"], filters["day"], access.visible_unit_ids(request.user))
    counts = {kind: 0 for kind in KINDS}
    for f in found:
        counts[f.kind] += 1
    if filters["kind"]:
        found = [f for f in found if f.kind == filters["kind"]]
    thai = (get_language() or "th").startswith("th")
    page = Paginator(found, PAGE_SIZE).get_page(params.integer(request, "page", 1, 10**6) or 1)
    query = {"as_of": filters["as_of"].isoformat()}
    if filters["unit"]:
        query["unit"] = filters["unit"].code
    return render(
        request,
        "network/findings.html",
        {
            **filters,
            "stale_days": settings.LAKTHAN_NET_STALE_DAYS,
            "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
            "counts": [(k, KIND_LABELS[k], counts[k]) for k in KINDS],
            "total": sum(counts.values()),
            "shown": len(found),
            "page": page,
            "rows": [(f.as_dict(), KIND_LABELS[f.kind], _detail(f, thai)) for f in page.object_list],
            "units": access.visible_tree(request.user),
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
        },
    )


def _document(request, render_pdf, name: str) -> HttpResponse:
    filters = _filters(request)
    unit = filters["unit"]
    if unit is None:
        raise Http404("unit")
    pdf = render_pdf(unit, filters["as_of"])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{unit.code}-{filters["as_of"]}.pdf"'
    return response


@login_required
def findings_pdf(request):
    return _document(request, report.findings_pdf, "network-findings")


@login_required
def plan_pdf(request):
    return _document(request, report.plan_pdf, "address-plan")
