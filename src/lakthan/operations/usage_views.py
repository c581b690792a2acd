"""The item-4 page: which systems are installed and really used at each unit and checkpoint of the
chosen unit, in the chosen period (Bangkok days); the chart and the document of it. Anyone who may
see the unit may read it (access.unit_for)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from lakthan.core import access, params
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.operations.engines.usage_chart import THAI_MONTHS
from lakthan.operations.services import usage as svc

EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: str, thai: bool) -> str:
    """ "2026-01" → "ม.ค. 2569" in the Thai UI (digits as the page's filter makes them), "Jan 2026" else."""
    year, m = int(month[:4]), int(month[5:7])
    return f"{THAI_MONTHS[m - 1]} {year + 543}" if thai else f"{EN_MONTHS[m - 1]} {year}"


def default_period(today: date) -> tuple[date, date]:
    """The twelve months up to today: from the first day of the month eleven months back."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1), today


def _unit(request) -> Unit:
    code = params.text(request, "unit", 40)
    if code:
        return access.unit_for(request.user, code)
    tree = access.visible_tree(request.user)
    if not tree:
        raise Http404("no unit")
    return tree[0][1]


def _choice(request) -> tuple[Unit, date, date]:
    first, last = default_period(timezone.localdate())
    return _unit(request), params.day(request, "from") or first, params.day(request, "to") or last


def _query(unit: Unit, start: date, end: date) -> str:
    return urlencode({"unit": unit.code, "from": start.isoformat(), "to": end.isoformat()})


@login_required
def usage(request):
    unit, start, end = _choice(request)
    context: dict = {
        "unit": unit,
        "units": access.visible_tree(request.user),
        "start": start,
        "end": end,
        "query": _query(unit, start, end),
    }
    try:
        full = svc.usage_detail(unit, start, end)
    except InvalidInput as exc:
        context["error"] = exc.message(get_language() or "th")
        return render(request, "operations/usage.html", context, status=400)
    result = full["usage"]
    months = svc.months(start, end)
    by_pair: dict[tuple[str, str], dict[str, dict]] = {}
    for r in result["rows"]:
        by_pair.setdefault((r["system"], r["unit"]), {})[r["month"]] = r
    silent = {(r["system"], r["unit"]) for r in result["silent"]}
    systems, units = full["systems"], full["units"]
    thai = (get_language() or "th").startswith("th")
    context.update(
        {
            "per_system": [{**s, "name": systems[s["system"]].name_th} for s in svc.summary(result)],
            "installations": [
                {
                    **r,
                    "unit_name": units[r["unit"]].name_th
                    if thai
                    else units[r["unit"]].name_en or units[r["unit"]].name_th,
                }
                for r in result["installations"]
            ],
            "month_labels": [month_label(m, thai) for m in months],
            "table": [
                {
                    "system": s,
                    "unit": u,
                    "silent": (s, u) in silent,
                    "cells": [per.get(m) for m in months],
                    "total": sum(r["events"] for r in per.values()),
                }
                for (s, u), per in sorted(by_pair.items())
            ],
            "silent": [
                {**r, "name": systems[r["system"]].name_th, "unit_name": units[r["unit"]].name_th}
                for r in result["silent"]
            ],
        }
    )
    return render(request, "operations/usage.html", context)


def _download(request) -> tuple[Unit, date, date]:
    unit, start, end = _choice(request)
    try:
        svc.check_period(start, end)
    except InvalidInput as exc:
        raise BadRequest(exc.message_en) from None
    return unit, start, end


@login_required
def usage_png(request):
    unit, start, end = _download(request)
    response = HttpResponse(svc.usage_png(unit, start, end), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="usage-{unit.code}-{start}-{end}.png"'
    return response


@login_required
def usage_pdf(request):
    unit, start, end = _download(request)
    response = HttpResponse(svc.usage_pdf(unit, start, end), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="usage-{unit.code}-{start}-{end}.pdf"'
    return response
