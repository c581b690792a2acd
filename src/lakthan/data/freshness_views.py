"""The freshness page (the data app's index): every dataset of the units the user may see, judged at a
moment (late ones marked), and the round's picture and document (default: the current fiscal year,
October to September). Anyone who may see a unit may read it (access.visible_unit_ids)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lakthan.core import access, params
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.data.services import freshness as svc
from lakthan.indicators.engines.periods import fiscal_year_bounds, fiscal_year_of
from lakthan.lib.durations import THAI_UNITS, UNITS
from lakthan.lib.timezones import end_of_day, parse_instant

EN_UNITS = {"d": "d", "h": "h", "m": "min", "s": "s"}


def default_round(today: date) -> tuple[date, date]:
    """The fiscal year (1 October – 30 September) that holds ``today``."""
    return fiscal_year_bounds(fiscal_year_of(today))


def duration_text(seconds: int, thai: bool, parts: int = 2) -> str:
    """A duration in its two largest units, rounded down: 93784 → '1 วัน 2 ชั่วโมง' / '1 d 2 h'."""
    out, rest = [], int(seconds)
    for unit, size in UNITS.items():
        if unit == "w":
            continue
        count, rest = divmod(rest, size)
        if count and len(out) < parts:
            out.append(f"{count} {THAI_UNITS[unit] if thai else EN_UNITS[unit]}")
        elif out:
            break
    return " ".join(out) or ("0 วินาที" if thai else "0 s")


def _unit(request) -> Unit | None:
    code = params.text(request, "unit", 40)
    return access.unit_for(request.user, code) if code else None


def _round_unit(request, unit: Unit | None) -> Unit:
    """The unit the round's picture and document are of: the one chosen, else the first the user sees."""
    if unit is not None:
        return unit
    tree = access.visible_tree(request.user)
    if not tree:
        raise Http404("no unit")
    return tree[0][1]


def _round(request) -> tuple[date, date]:
    first, last = default_round(timezone.localdate())
    return params.day(request, "from") or first, params.day(request, "to") or last


@login_required
def index(request):
    unit = _unit(request)
    start, end = _round(request)
    day = params.day(request, "as_of")
    now = timezone.now()
    if day is not None and day > timezone.localdate():
        raise BadRequest("as_of is in the future")
    as_of = now if day is None else min(end_of_day(day), now)
    round_unit = _round_unit(request, unit)
    thai = (get_language() or "th").startswith("th")
    rows = []
    for r in svc.freshness(unit, as_of, access.visible_unit_ids(request.user)):
        every = duration_text(r["expected_every_s"], thai)
        rows.append(
            {
                **r,
                "last_update_at": parse_instant(r["last_update"]) if r["last_update"] else None,
                "every_text": _("every %(duration)s") % {"duration": every},
                "late_text": duration_text(r["late_by_s"], thai) if r["late"] else "",
            }
        )
    query = urlencode({"unit": round_unit.code, "from": start.isoformat(), "to": end.isoformat()})
    context = {
        "unit": unit,
        "round_unit": round_unit,
        "units": access.visible_tree(request.user),
        "as_of": as_of,
        "day": day,
        "as_of_day": day or timezone.localdate(),
        "start": start,
        "end": end,
        "rows": rows,
        "late": sum(bool(r["late"]) for r in rows),
        "query": query,
    }
    try:
        svc.check_period(start, end)
    except InvalidInput as exc:
        context["error"] = exc.message(get_language() or "th")
        return render(request, "data/freshness.html", context, status=400)
    return render(request, "data/freshness.html", context)


def _download(request) -> tuple[Unit, date, date]:
    unit = _round_unit(request, _unit(request))
    start, end = _round(request)
    try:
        svc.check_period(start, end)
    except InvalidInput as exc:
        raise BadRequest(exc.message_en) from None
    return unit, start, end


@login_required
def freshness_picture(request, fmt: str):
    if fmt not in svc.FORMATS:
        raise Http404(fmt)
    unit, start, end = _download(request)
    response = HttpResponse(svc.freshness_picture(unit, start, end, fmt), content_type=svc.FORMATS[fmt])
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="freshness-{unit.code}-{start}-{end}.{fmt}"'
    return response


@login_required
def freshness_pdf(request):
    unit, start, end = _download(request)
    response = HttpResponse(svc.data_pdf(unit, start, end), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="data-{unit.code}-{start}-{end}.pdf"'
    return response
