"""The app's index: the address plan, each block of the units the user may see with its purpose and
the number of addresses registered and seen in it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lakthan.core import access, params, roles
from lakthan.core.models import Unit
from lakthan.network.services.plan import plan_rows

# who may change the register, add blocks and upload readings: a data collector of the unit and up
CHANGE = roles.UPLOAD


def units_of(user) -> list[Unit]:
    allowed = access.visible_unit_ids(user)
    units = Unit.objects.all() if allowed is None else Unit.objects.filter(pk__in=allowed)
    return list(units.order_by("code"))


def may_change_somewhere(user) -> bool:
    scope = roles.scope(user, CHANGE)
    return scope is None or bool(scope)


@login_required
def index(request):
    allowed = access.visible_unit_ids(request.user)
    unit_code = params.text(request, "unit", 40)
    unit = access.unit_for(request.user, unit_code) if unit_code else None
    rows = plan_rows(unit=unit, within=allowed)
    by_unit: dict[str, list[dict]] = {}
    for row in rows:
        by_unit.setdefault(row["unit"], []).append(row)
    names = {u.code: u for u in units_of(request.user)}
    groups = [
        {"unit": names.get(code), "code": code, "rows": blocks} for code, blocks in sorted(by_unit.items())
    ]
    return render(
        request,
        "network/index.html",
        {
            "groups": groups,
            "units": names.values(),
            "chosen": unit_code,
            "can_change": may_change_somewhere(request.user),
            "total": {
                "prefixes": len(rows),
                "registered": sum(r["registered"] for r in rows),
            },
        },
    )
