"""The catalogue of roles per duty, read-only: the rules per system and position and the SoD pairs of
the catalogue in force (for the systems of the caller's units), and the history of its imports. The
catalogue is changed by `lakthan access roles import` only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from lakthan.access.models import RoleCatalogue
from lakthan.access.services import roles
from lakthan.core import access


@login_required
def catalogue(request):
    record = roles.current()
    allowed = access.visible_unit_ids(request.user)
    rules = pairs = None
    if record is not None:
        rules = record.rules.select_related("system", "unit").order_by("system__code", "position", "line")
        pairs = record.sod_pairs.select_related("system").order_by("system__code", "line")
        if allowed is not None:
            rules = rules.filter(system__unit_id__in=allowed)
            pairs = pairs.filter(system__unit_id__in=allowed)
    history = RoleCatalogue.objects.annotate(
        rule_count=Count("rules", distinct=True), pair_count=Count("sod_pairs", distinct=True)
    ).order_by("-at", "-pk")[:50]
    return render(
        request,
        "access/catalogue.html",
        {
            "record": record,
            "rules": rules,
            "pairs": pairs,
            "history": history,
            "current": "access",
            "subnav": "catalogue",
        },
    )
