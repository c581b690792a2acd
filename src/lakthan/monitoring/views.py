"""Item 2 pages: hosts and coverage, verification status, alerts with their disposition, event search."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.core import access, roles
from lakthan.core.errors import LakthanError
from lakthan.core.models import Unit
from lakthan.lib.timezones import BANGKOK
from lakthan.monitoring import services
from lakthan.monitoring.models import Alert, Checkpoint, Host, LegalHold, Segment


def _scope(user) -> tuple[Unit | None, set[str] | None]:
    """Staff see every host; anyone else the hosts of their unit and below."""
    allowed = access.visible_unit_ids(user)
    if allowed is None:
        return None, None
    from lakthan.monitoring.models import Host

    return None, set(Host.objects.filter(unit_id__in=allowed).values_list("name", flat=True))


def _coverage(user) -> dict:
    cov = services.coverage()
    _unit, names = _scope(user)
    if names is not None:
        cov["hosts"] = [h for h in cov["hosts"] if h["name"] in names]
        cov["unknown_senders"] = []
        cov["per_day"] = {k: v for k, v in cov["per_day"].items() if k in names}
    return cov


@login_required
def overview(request):
    cov = _coverage(request.user)
    for h in cov["hosts"]:
        h["last_dt"] = datetime.fromisoformat(h["last_event"]) if h["last_event"] else None
    verification = services.last_verification()
    if verification and verification.get("verified_at"):
        verification["verified_dt"] = datetime.fromisoformat(verification["verified_at"])
    checkpoint = Checkpoint.objects.order_by("-size").first()
    context = {
        "cov": cov,
        "reporting": sum(1 for h in cov["hosts"] if h["events"]),
        "silent": sum(1 for h in cov["hosts"] if h["silent"] or h["silent_periods"]),
        "verification": verification,
        "checkpoint": checkpoint,
        "segments": Segment.objects.count(),
        "events": sum(Segment.objects.values_list("count", flat=True)),
        "open_alerts": Alert.objects.filter(disposition=Alert.Disposition.OPEN).count(),
        "retention_days": services.retention_days(),
        "holds": LegalHold.objects.all()[:5],
        "silent_hours": services.silent_hours(),
    }
    return render(request, "monitoring/overview.html", context)


@login_required
def coverage_chart(request):
    from lakthan.monitoring.chart import coverage_png

    cov = _coverage(request.user)
    if not cov["window"]:
        return HttpResponse(status=404)
    start, end = (date.fromisoformat(d) for d in cov["window"])
    png = coverage_png([h["name"] for h in cov["hosts"]], cov["per_day"], start, end, f"{start} .. {end}")
    return HttpResponse(png, content_type="image/png")


@login_required
@require_POST
def verify_now(request):
    report = services.verify()
    if report["intact"]:
        messages.success(request, _("The logs are intact: every event matches the signed checkpoint."))
    else:
        messages.error(request, _("Verification found problems; see the list below."))
    return redirect("monitoring:overview")


@login_required
def alerts(request):
    _unit, names = _scope(request.user)
    qs = Alert.objects.all()
    if names is not None:
        qs = qs.filter(host__in=names)
    state = request.GET.get("state", "")
    if state in Alert.Disposition.values:
        qs = qs.filter(disposition=state)
    return render(
        request,
        "monitoring/alerts.html",
        {"alerts": qs[:500], "state": state, "dispositions": Alert.Disposition.choices},
    )


@login_required
@require_POST
def review(request, pk: int):
    _unit, names = _scope(request.user)
    alert = Alert.objects.filter(pk=pk).first()
    if alert is None or (names is not None and alert.host not in names):
        return HttpResponse(status=404)
    host = Host.objects.filter(name=alert.host).select_related("unit").first()
    if roles.scope(request.user, roles.DECIDE) is not None and (
        host is None or not roles.can(request.user, roles.DECIDE, host.unit)
    ):
        return HttpResponse(status=403)  # reviewing an alert is a decision on the unit's evidence
    who = getattr(getattr(request.user, "person", None), "display_name", "") or request.user.get_username()
    try:
        services.set_disposition(
            pk, request.POST.get("disposition", ""), request.POST.get("note", ""), actor=who
        )
        messages.success(request, _("Review saved."))
    except LakthanError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE or "th"))
    return redirect("monitoring:alerts")


def _day(value: str, end: bool = False) -> datetime | None:
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(d, time.max if end else time.min, tzinfo=BANGKOK).astimezone(UTC)


@login_required
def events(request):
    _unit, names = _scope(request.user)
    host = request.GET.get("host", "").strip()
    text = request.GET.get("q", "").strip()
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    rows, searched = [], bool(host or text or start or end)
    if names is not None and host and host not in names:
        host, searched = "", False
    if searched:
        rows = services.search(host=host, text=text, start=_day(start), end=_day(end, True), limit=200)
        if names is not None:
            rows = [r for r in rows if r["host"] in names]
    hosts = sorted(h["name"] for h in _coverage(request.user)["hosts"])
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
            "hosts": hosts,
        },
    )
