"""The shell's own pages: home (the units and their rounds), health and metrics for operations."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lakthan import migration_state
from lakthan.core import access
from lakthan.indicators.models import Agreement, Round
from lakthan.web import metrics


@require_GET
@never_cache
def healthz(request):
    """200 "ok" when the database answers and every migration is applied; 503 otherwise. One query in
    the common case (migration_state); Django's migration loader only when that cannot tell."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        if migration_state.all_recorded(connection):
            return HttpResponse("ok", content_type="text/plain")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    if pending:
        return HttpResponse(f"{len(pending)} migration(s) pending", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def metrics_view(request):
    """Prometheus exposition; with LAKTHAN_METRICS_TOKEN set, only for ``Authorization: Bearer <token>``;
    without one, only to a scraper on this machine: the peer is loopback and no proxy forwarded the
    request (behind a reverse proxy every peer is loopback)."""
    token = settings.LAKTHAN_METRICS_TOKEN
    if token and not constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return HttpResponse("unauthorized", status=401, content_type="text/plain")
    if not token and not _from_this_machine(request):
        return HttpResponse(
            "set LAKTHAN_METRICS_TOKEN to scrape from another machine", status=403, content_type="text/plain"
        )
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


def _from_this_machine(request) -> bool:
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    forwarded = any(h in request.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-Ip"))
    return peer.is_loopback and not forwarded


@login_required
def home(request):
    tree = access.visible_tree(request.user)
    agreements: dict[int, list[Agreement]] = {}
    for agreement in Agreement.objects.filter(unit__in=[u for _, u in tree]).prefetch_related("lines"):
        agreements.setdefault(agreement.unit_id, []).append(agreement)
    rows = [(depth, unit, agreements.get(unit.pk, [])) for depth, unit in tree]
    return render(request, "web/home.html", {"rows": rows, "round_months": Round.Months.values})
