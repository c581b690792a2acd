"""Item 2 pages: hosts and coverage, verification status, alerts with their disposition, event search."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.core import access, audit_text, params, roles
from lakthan.core.errors import LakthanError
from lakthan.lib.thai import format_date as thai_date
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring import audit_log, scope
from lakthan.monitoring.chart import coverage_png
from lakthan.monitoring.models import Alert, Checkpoint, HostDay, LegalHold, LogSource, Segment
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import coverage as log_coverage
from lakthan.monitoring.services import events as log_events
from lakthan.monitoring.services import home, jobs, retention, verification
from lakthan.monitoring.services import hosts as log_hosts
from lakthan.monitoring.services import sources as log_sources


@login_required
def overview(request):
    cov = log_coverage.coverage(unit_ids=access.visible_unit_ids(request.user))
    report = verification.last_verification()
    if report and report.get("verified_at"):
        report["verified_dt"] = datetime.fromisoformat(report["verified_at"])
    context = {
        "cov": cov,
        "reporting": sum(1 for h in cov.hosts if h.events),
        "silent": sum(1 for h in cov.hosts if h.silent or h.silent_periods),
        "verification": report,
        "may_verify": scope.may_verify(request.user),
        "seal_job": jobs.last("seal"),
        "verify_job": jobs.last("verify"),
        "pending": {kind for kind in jobs.KINDS if jobs.pending(jobs.last(kind))},
        "last_segment": Segment.objects.order_by("-index").first(),
        "may_add_host": roles.scope(request.user, roles.MANAGE) != set(),
        "sources": LogSource.objects.all() if scope.may_verify(request.user) else None,
        "source_formats": LogSource.Format.choices,
        "checkpoint": Checkpoint.objects.order_by("-size").first(),
        "segments": Segment.objects.count(),
        "events": _events_seen(request.user),
        "open_alerts": scope.visible_alerts(request.user).filter(disposition=Alert.Disposition.OPEN).count(),
        "retention_days": retention.retention_days(),
        "holds": LegalHold.objects.all()[:5],
        "silent_hours": home.silent_hours(),
        "udp": home.udp_counters() if scope.may_verify(request.user) else None,  # the receiver's, all units'
    }
    return render(request, "monitoring/overview.html", context)


def _events_seen(user) -> int:
    """Events sealed: all of them for those who see every unit, else those of the user's units' hosts."""
    names = scope.visible_senders(user)
    if names is None:
        return sum(Segment.objects.values_list("count", flat=True))
    return HostDay.objects.filter(host_name__in=names).aggregate(n=Sum("count"))["n"] or 0


@login_required
def coverage_chart(request):
    cov = log_coverage.coverage(unit_ids=access.visible_unit_ids(request.user))
    if not cov.window:
        return HttpResponse(status=404)
    start, end = cov.window
    thai = (get_language() or "th").startswith("th")
    png = coverage_png(
        [h.name for h in cov.hosts],
        {h.name: h.per_day for h in cov.hosts},
        start,
        end,
        f"{thai_date(start)} – {thai_date(end)}" if thai else f"{start} – {end}",
        legend=(_("no events that day (silent)"), _("events (darker = more)")),
        thai=thai,
    )
    return HttpResponse(png, content_type="image/png")


@login_required
@require_POST
def start_job(request, kind: str):
    """Seal or verify now: administrators only; the worker does it, the overview shows the outcome."""
    if not scope.may_verify(request.user):
        return HttpResponse(status=403)
    try:
        jobs.request(kind, actor=request.user.get_username())
    except LakthanError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE or "th"))
        return redirect("monitoring:overview")
    from lakthan.monitoring.tasks import run_job  # huey is imported by the pages that start jobs only

    run_job(kind)
    messages.success(request, _("Started: the outcome appears below when the worker has finished."))
    return redirect("monitoring:overview")


@login_required
@require_POST
def source_add(request):
    """A log file for the worker to read: administrators only, as sealing."""
    if not scope.may_verify(request.user):
        return HttpResponse(status=403)
    try:
        added = log_sources.add_source(
            request.POST.get("path", "").strip(),
            request.POST.get("host", ""),
            request.POST.get("fmt", "auto"),
            actor=request.user.get_username(),
        )
    except LakthanError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE or "th"))
    else:
        messages.success(request, _("Log source added: %(path)s, read every minute.") % {"path": added.path})
    return redirect(f"{reverse('monitoring:overview')}#sources")


@login_required
@require_POST
def source_remove(request, pk: int):
    if not scope.may_verify(request.user):
        return HttpResponse(status=403)
    try:
        log_sources.remove_source(pk, actor=request.user.get_username())
    except LakthanError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE or "th"))
    return redirect(f"{reverse('monitoring:overview')}#sources")


@login_required
def alerts(request):
    qs = scope.visible_alerts(request.user)
    state = request.GET.get("state", "")
    if state in Alert.Disposition.values:
        qs = qs.filter(disposition=state)
    page = list(qs[:500])
    return render(
        request,
        "monitoring/alerts.html",
        {
            "alerts": page,
            "reviewable": scope.reviewable(request.user, page),
            "state": state,
            "dispositions": Alert.Disposition.choices,
        },
    )


@login_required
@require_POST
def review(request, pk: int):
    names = scope.visible_senders(request.user)
    alert = Alert.objects.filter(pk=pk).first()
    if alert is None or (names is not None and alert.host not in names):
        return HttpResponse(status=404)
    if not scope.may_review(request.user, alert):
        return HttpResponse(status=403)
    try:
        log_alerts.set_disposition(
            pk,
            request.POST.get("disposition", ""),
            request.POST.get("note", ""),
            actor=request.user.get_username(),  # the actor every audited change records
        )
        messages.success(request, _("Review saved."))
    except LakthanError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE or "th"))
    return redirect("monitoring:alerts")


def _day(request, name: str, end: bool = False) -> datetime | None:
    d = params.day(request, name)
    if d is None:
        return None
    return datetime.combine(d, time.max if end else time.min, tzinfo=BANGKOK).astimezone(UTC)


PAGE_SIZE = 100
MAX_PAGE = 100_000


@login_required
def events(request):
    names = scope.visible_senders(request.user)
    host = request.GET.get("host", "").strip()
    text = params.text(request, "q", 1000)
    start, end = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    number = params.integer(request, "page", 1, MAX_PAGE) or 1
    found, searched = None, bool(host or text or start or end)
    if names is not None and host and host not in names:
        host, searched = "", False
    if searched:
        found = log_events.search(
            host=host,
            text=text,
            start=_day(request, "from"),
            end=_day(request, "to", True),
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            hosts=names,
        )
    allowed = access.visible_unit_ids(request.user)
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "monitoring/events.html",
        {
            "found": found,
            "rows": [_shown(r) for r in found.rows] if found else [],
            "page": number,
            "last_page": max(1, -(-found.total // PAGE_SIZE)) if found else 1,
            "first_shown": found.offset + 1 if found else 0,
            "last_shown": found.offset + len(found.rows) if found else 0,
            "filters": kept.urlencode(),
            "searched": searched,
            "host": host,
            "q": text,
            "from_day": params.day(request, "from"),
            "to_day": params.day(request, "to"),
            "hosts": sorted(h.name for h in log_hosts.hosts_in_units(allowed)),
        },
    )


SEVERITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")  # RFC 5424 order
DETAILS = ("pid", "action", "user", "src_ip", "method", "uri", "status", "useragent", "vhost", "record",
           "seq", "fmt", "source", "parser")  # fmt: skip


def _shown(row: dict) -> dict:
    """An event as the page shows it: its columns, its other fields as details, an audit entry of
    Lakthan's own trail as a sentence."""
    severity = row["severity"]
    row["severity_name"] = SEVERITIES[severity] if severity is not None and 0 <= severity < 8 else ""
    row["details"] = [(k, row[k]) for k in DETAILS if row.get(k) not in (None, "")]
    row["audit"] = None
    if row["source"] == audit_log.SOURCE and row["fmt"] == "jsonl":
        try:
            entry = json.loads(row["msg"])
        except ValueError:
            entry = None
        if isinstance(entry, dict) and entry.get("action"):
            row["audit"] = audit_text.describe(entry, with_time=False)  # the time has its column
            row["details"] = [(k, entry.get(k)) for k in ("actor", "action", "object_type", "object_id")]
    return row
