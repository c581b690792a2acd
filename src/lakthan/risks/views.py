"""The risk register's list (the app's index) with its filters, and the stylesheet of the level badges
(the colours are the matrix's data; the pages' CSP allows no inline style)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lakthan.core import access, params, roles
from lakthan.core.errors import NotFound
from lakthan.core.models import Unit
from lakthan.inventory.models import System
from lakthan.risks.models import Risk, RiskMatrix
from lakthan.risks.services import register

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
STATUSES = ["open", "closed", *Risk.TreatmentStatus.values]


def visible_risk(user, ref: str) -> Risk:
    try:
        risk = register.get_risk(ref)
    except NotFound:
        raise Http404(ref) from None
    if not roles.can(user, roles.VIEW, risk.unit):
        raise Http404(ref)
    return risk


def level_class(matrix_id: int, code: str) -> str:
    return f"rk-m{matrix_id}-" + re.sub(r"[^A-Za-z0-9_-]", "_", code)


def badge(risk: Risk, residual: bool = False) -> dict | None:
    """What a level badge shows: the class its colour comes from and the matrix's labels."""
    code = risk.residual_level if residual else risk.level
    if not code:
        return None
    level = register.matrix_of(risk.matrix).level_by_code(code)
    return {
        "css": level_class(risk.matrix_id, code),
        "th": level.label_th,
        "en": level.label_en,
        "code": code,
    }


@login_required
def index(request):
    allowed = access.visible_unit_ids(request.user)
    unit_code = params.text(request, "unit", 40)
    system_code = params.text(request, "system", 80)
    unit = access.unit_for(request.user, unit_code) if unit_code else None
    system = System.objects.filter(code=system_code).first() if system_code else None
    level = params.text(request, "level", 40)
    treatment = params.text(request, "treatment", 10)
    status = params.text(request, "status", 12) or "open"
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    risks = register.list_risks(
        unit=unit,
        system=system,
        level=level or None,
        treatment=treatment if treatment in Risk.Treatment.values else None,
        status=status if status in STATUSES else None,
        overdue_on=today if overdue else None,
        within=allowed,
    )
    if system_code and system is None:
        risks = risks.none()
    _, matrix = register.active_matrix()
    units = Unit.objects.all() if allowed is None else Unit.objects.filter(pk__in=allowed)
    systems = System.objects.all() if allowed is None else System.objects.filter(unit_id__in=allowed)
    manage = roles.scope(request.user, roles.MANAGE)
    rows = [
        {
            "risk": r,
            "level": badge(r),
            "residual": badge(r, residual=True),
            "overdue": register.is_overdue(r, today),
            "acceptance": register.acceptance_state(r, today),
        }
        for r in risks[:500]
    ]
    return render(
        request,
        "risks/index.html",
        {
            "rows": rows,
            "units": units.order_by("code"),
            "systems": systems.order_by("code"),
            "levels": matrix.levels,
            "treatments": Risk.Treatment.choices,
            "statuses": [("open", "open"), ("closed", "closed"), *Risk.TreatmentStatus.choices],
            "chosen": {
                "unit": unit_code,
                "system": system_code,
                "level": level,
                "treatment": treatment,
                "status": status,
                "overdue": overdue,
            },
            "can_manage": manage is None or bool(manage),
        },
    )


def _text_on(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#fff"


@login_required
def level_styles(request):
    lines = []
    for row in RiskMatrix.objects.all():
        for level in register.matrix_of(row).levels:
            colour = level.colour if COLOUR.match(level.colour) else "#9e9e9e"
            lines.append(
                f".{level_class(row.pk, level.code)} {{ background: {colour}; color: {_text_on(colour)}; }}"
            )
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
