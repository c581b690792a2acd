"""The heat map page (inherent beside residual, the trend across the fiscal year's rounds below) and
the pictures it shows, as SVG or PNG."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lakthan.core import access, params
from lakthan.core.errors import InvalidInput
from lakthan.indicators.engines.periods import fiscal_year_of
from lakthan.risks.services import heatmap as svc

KINDS = ("inherent", "residual")


def _unit(request, code: str | None):
    if code:
        return access.unit_for(request.user, code)
    tree = access.visible_tree(request.user)
    if not tree:
        raise Http404("no unit")
    return tree[0][1]


def _as_of(request):
    """``?as_of=`` (a day) → its day and the last instant of it; out of range is a 400."""
    day = params.day(request, "as_of")
    try:
        return day, svc.end_of_day(day) if day else None
    except InvalidInput as exc:
        raise BadRequest(exc.message_en) from None


def picture_response(data: bytes, fmt: str, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=svc.FORMATS[fmt])
    if fmt == "svg":  # drawn from the register's text: no script may run in it
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if download:
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@login_required
def heatmap(request):
    unit = _unit(request, params.text(request, "unit", 40))
    as_of, at = _as_of(request)
    fy = params.fiscal_year(request) or fiscal_year_of(timezone.localdate())
    query = {"as_of": as_of.isoformat()} if as_of else {}
    states = svc.states(unit, at)
    return render(
        request,
        "risks/heatmap.html",
        {
            "unit": unit,
            "units": access.visible_tree(request.user),
            "as_of": as_of,
            "fy": fy,
            "open_risks": len(states),
            "query": urlencode(query),
            "trend_query": urlencode({"fy": fy}),
            "kinds": [
                ("inherent", _("Inherent risk (before treatment)")),
                ("residual", _("Residual risk (after treatment)")),
            ],
            "formats": list(svc.FORMATS),
        },
    )


@login_required
def heatmap_picture(request, code: str, kind: str, fmt: str):
    if kind not in KINDS or fmt not in svc.FORMATS:
        raise Http404(kind)
    unit = access.unit_for(request.user, code)
    as_of, at = _as_of(request)
    data = svc.heatmap(unit, residual=kind == "residual", fmt=fmt, at=at)
    suffix = f"-{as_of.isoformat()}" if as_of else ""
    return picture_response(
        data, fmt, f"heatmap-{unit.code}-{kind}{suffix}", download="download" in request.GET
    )


@login_required
def trend_picture(request, code: str, fmt: str):
    if fmt not in svc.FORMATS:
        raise Http404(fmt)
    unit = access.unit_for(request.user, code)
    fy = params.fiscal_year(request) or fiscal_year_of(timezone.localdate())
    data = svc.trend(unit, svc.fiscal_year_rounds(unit, fy), fmt=fmt, title=svc.trend_title(unit, fy))
    return picture_response(data, fmt, f"risk-trend-{unit.code}-{fy}", download="download" in request.GET)
