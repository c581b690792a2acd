"""Item 2 pages: hosts and coverage, verification status, alerts with their disposition, event search."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.core import access, params
from lakthan.core.errors import LakthanError
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring import scope
from lakthan.monitoring.chart import coverage_png
from lakthan.monitoring.models import Alert, Checkpoint, HostDay, LegalHold, Segment
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import coverage as log_coverage
from lakthan.monitoring.services import events as log_events
from lakthan.monitoring.services import home, retention, verification
from lakthan.monitoring.services import hosts as log_hosts


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
    png = coverage_png(
        [h.name for h in cov.hosts],
        {h.name: h.per_day for h in cov.hosts},
        start,
        end,
        f"{start} .. {end}",
        legend=(_("no events that day (silent)"), _("events (darker = more)")),
    )
    return HttpResponse(png, content_type="image/png")


@login_required
@require_POST
def verify_now(request):
    if not scope.may_verify(request.user):
        return HttpResponse(status=403)
    report = verification.verify()
    if report["intact"]:
        messages.success(request, _("The logs are intact: every event matches the signed checkpoint."))
    else:
        messages.error(request, _("Verification found problems; see the list below."))
    return redirect("monitoring:overview")


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


@login_required
def events(request):
    names = scope.visible_senders(request.user)
    host = request.GET.get("host", "").strip()
    text = request.GET.get("q", "").strip()
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    rows, searched = [], bool(host or text or start or end)
    if names is not None and host and host not in names:
        host, searched = "", False
    if searched:
        rows = log_events.search(
            host=host,
            text=text,
            start=_day(request, "from"),
            end=_day(request, "to", True),
            limit=200,
            hosts=names,
        )
    allowed = access.visible_unit_ids(request.user)
    return render(
        request,
        "monitoring/events.html",
        {
            "rows": rows,
            "searched": searched,
            "host": host,
            "q": text,
            "from": start,
            "to": end,
            "hosts": sorted(h.name for h in log_hosts.hosts_in_units(allowed)),
        },
    )
