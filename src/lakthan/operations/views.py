"""The operations app's front page: the probes list (status, last detail, TLS days left with the
warning under 30 days, a run-now button for those who may change the unit's probes)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lakthan.core import access, roles
from lakthan.operations.services import probes as svc


@login_required
def index(request):
    rows = svc.probe_rows(svc.visible_probes(access.visible_unit_ids(request.user)))
    changeable = roles.scope(request.user, svc.CHANGE)
    for row in rows:
        row["may_run"] = changeable is None or row["probe"].unit_id in changeable
    return render(
        request,
        "operations/probes.html",
        {"rows": rows, "may_add": changeable is None or bool(changeable), "warn_days": svc.engine.WARN_DAYS},
    )
