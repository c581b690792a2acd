"""Web pages. Views read through the services and never write models themselves."""

from __future__ import annotations

import functools
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lakthan.core import access, roles
from lakthan.core.errors import LakthanError, NotFound
from lakthan.evidence.models import Evidence
from lakthan.indicators.models import Agreement, Round
from lakthan.indicators.services import get_report
from lakthan.reports import services as reports
from lakthan.web import metrics
from lakthan.web.dashboard import child_rollup, round_summary
from lakthan.web.evidence_views import link_targets

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def shows_domain_errors(view):
    """A user's mistake or a missing thing becomes a page with the message in their language, not a traceback."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LakthanError as exc:
            status = 404 if isinstance(exc, NotFound) else 400
            return render(
                request, "web/error.html", {"message": exc.message(get_language() or "th")}, status=status
            )

    return wrapper


@require_GET
@never_cache
def healthz(request):
    """200 "ok" when the database answers and every migration is applied; 503 otherwise."""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    if pending:
        return HttpResponse(f"{len(pending)} migration(s) pending", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def metrics_view(request):
    """Prometheus exposition; with LAKTHAN_METRICS_TOKEN set, only for ``Authorization: Bearer <token>``."""
    token = settings.LAKTHAN_METRICS_TOKEN
    if token and not constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return HttpResponse("unauthorized", status=401, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


@login_required
def home(request):
    tree = access.visible_tree(request.user)
    agreements: dict[int, list[Agreement]] = {}
    for agreement in Agreement.objects.filter(unit__in=[u for _, u in tree]).prefetch_related("lines"):
        agreements.setdefault(agreement.unit_id, []).append(agreement)
    rows = [(depth, unit, agreements.get(unit.pk, [])) for depth, unit in tree]
    return render(request, "web/home.html", {"rows": rows, "round_months": Round.Months.values})


@login_required
@shows_domain_errors
def dashboard(request, code: str, fy: int, months: int):
    unit = access.unit_for(request.user, code)
    if months not in Round.Months.values or not 2400 <= fy <= 2800:
        raise Http404("round")
    agreement = get_object_or_404(Agreement, unit=unit, fiscal_year=fy)
    return render(
        request,
        "web/dashboard.html",
        {
            "summary": round_summary(agreement, months),
            "children": child_rollup(unit, fy, months),
            "round_months": Round.Months.values,
            "formats": reports.FORMATS,
            "expiring": _expiring(unit),
            "failing": _failing(unit, fy, months),
        },
    )


def _expiring(unit, days: int = 60):
    """Evidence of the unit and its children that expires within ``days`` (or has just expired)."""
    today = timezone.localdate()
    return list(
        Evidence.objects.filter(
            unit_id__in=unit.descendant_ids(),
            expiry_date__gte=today - timedelta(days=30),
            expiry_date__lte=today + timedelta(days=days),
        )
        .select_related("unit")
        .order_by("expiry_date")[:20]
    )


def _failing(unit, fy: int, months: int):
    """The latest run of each check in the unit's round, where it failed."""
    from lakthan.checks.models import CheckRun

    latest = {}
    runs = CheckRun.objects.filter(
        unit=unit, report__round__agreement__fiscal_year=fy, report__round__months=months
    ).order_by("started_at", "pk")
    for run in runs:
        latest[run.check_urn] = run
    return [r for r in latest.values() if r.status in ("not_met", "error")]


def _report(request, code: str, fy: int, months: int, indicator: str):
    unit = access.unit_for(request.user, code)
    if months not in Round.Months.values:
        raise Http404("round")
    return get_report(unit, fy, months, indicator)


def _download_name(code: str, fy: int, months: int, indicator: str, suffix: str) -> str:
    return f"{code}-FY{fy}-R{months}-{indicator}{suffix}"


@login_required
@shows_domain_errors
def report_download(request, code: str, fy: int, months: int, indicator: str, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404(fmt)
    report = _report(request, code, fy, months, indicator)
    response = HttpResponse(reports.render(report, fmt), content_type=CONTENT_TYPES[fmt])
    name = _download_name(code, fy, months, indicator, f".{fmt}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@shows_domain_errors
def pack_download(request, code: str, fy: int, months: int, indicator: str):
    report = _report(request, code, fy, months, indicator)
    workdir = Path(tempfile.mkdtemp(prefix="lakthan-pack-"))
    try:
        out = workdir / "pack.zip"
        reports.build_pack(report, out)
        # Open, then remove the directory: the open handle keeps the file until the response is sent.
        stream = open(out, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return FileResponse(
        stream,
        as_attachment=True,
        content_type="application/zip",
        filename=_download_name(code, fy, months, indicator, "-pack.zip"),
    )


@login_required
def evidence_index(request):
    tree = access.visible_tree(request.user)
    roots = [unit for depth, unit in tree if depth == 0]
    if not request.user.is_staff and len(roots) == 1:
        return redirect("web:evidence", code=roots[0].code)
    return render(request, "web/evidence_index.html", {"tree": tree})


@login_required
def evidence_register(request, code: str):
    unit = access.unit_for(request.user, code)
    today = timezone.localdate()
    evidence = (
        Evidence.objects.filter(unit=unit)
        .prefetch_related(
            "revisions",
            "links__criterion",
            "links__report__indicator",
            "links__report__round__agreement__unit",
        )
        .order_by("-doc_date", "-pk")
    )
    rows = [_evidence_row(ev, today) for ev in evidence]
    can_upload = roles.can(request.user, roles.UPLOAD, unit)
    return render(
        request,
        "web/evidence.html",
        {
            "unit": unit,
            "rows": rows,
            "today": today,
            "can_upload": can_upload,
            "kinds": [(v, label) for v, label in Evidence.Kind.choices if v != Evidence.Kind.SYSTEM],
            "targets": link_targets(unit) if can_upload and roles.can(request.user, roles.LINK, unit) else [],
        },
    )


def _evidence_row(evidence: Evidence, today) -> dict:
    revisions = sorted(evidence.revisions.all(), key=lambda r: r.number)
    links = sorted(evidence.links.all(), key=lambda link: link.pk)
    return {
        "evidence": evidence,
        "revision": revisions[-1] if revisions else None,
        "revision_count": len(revisions),
        "links": links,
        "expired": bool(evidence.expiry_date and evidence.expiry_date < today),
        "not_yet_effective": bool(evidence.effective_date and evidence.effective_date > today),
    }
