"""Indicator pages: a unit's round dashboard, the report editor (the report form's texts, each
item's result and evidence, sign-off), and the indicator libraries with their versions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lakthan.checks import registry
from lakthan.checks import services as checks
from lakthan.checks.models import CheckRun
from lakthan.core import access, roles
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.pages import error_page, shows_domain_errors
from lakthan.core.services import actor_name, person_of
from lakthan.evidence import services as ev
from lakthan.evidence.models import Evidence, EvidenceLink
from lakthan.indicators import libraries as libs
from lakthan.indicators import services as ind
from lakthan.indicators.models import Agreement, Assignment, LibraryVersion, Round
from lakthan.reports import sealing
from lakthan.reports import services as reports
from lakthan.reports.summary import PROPOSED_LABELS, STATUS_LABELS, child_rollup, round_summary


@login_required
@shows_domain_errors
def dashboard(request, code: str, fy: int, months: int):
    unit = access.unit_for(request.user, code)
    if months not in Round.Months.values or not 2400 <= fy <= 2800:
        raise Http404("round")
    agreement = get_object_or_404(Agreement, unit=unit, fiscal_year=fy)
    return render(
        request,
        "indicators/dashboard.html",
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
    latest = {}
    runs = CheckRun.objects.filter(
        unit=unit, report__round__agreement__fiscal_year=fy, report__round__months=months
    ).order_by("started_at", "pk")
    for run in runs:
        latest[run.check_urn] = run
    return [r for r in latest.values() if r.status in ("not_met", "error")]


# report editor action → capability it needs
ACTIONS = {
    "texts": roles.EDIT_REPORT,
    "result": roles.DECIDE,
    "propose": roles.DECIDE,
    "accept": roles.DECIDE,
    "link": roles.LINK,
    "unlink": roles.LINK,
    "sign": roles.SIGN,
    "reopen": roles.SIGN,
}


@login_required
@require_http_methods(["GET", "POST"])
def report_editor(request, code: str, fy: int, months: int, indicator: str):
    unit = access.unit_for(request.user, code)
    if months not in Round.Months.values:
        raise Http404("round")
    try:
        report = ind.get_report(unit, fy, months, indicator)
    except LakthanError as exc:
        return error_page(request, exc.message(get_language() or "th"), 404)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return error_page(request, _("Unknown action."), 400)
        access.require(request.user, ACTIONS[action], unit)
        try:
            _perform(request, report, action)
        except LakthanError as exc:
            messages.error(request, exc.message(get_language() or "th"))
        return redirect(request.path + "#" + request.POST.get("anchor", "top"))
    return render(request, "indicators/report_editor.html", _context(request, unit, report))


def _perform(request, report, action: str) -> None:
    actor = actor_name(request.user)
    post = request.POST
    if action == "texts":
        fields = {
            "phone": post.get("phone", "").strip(),
            "actions_taken": paragraphs(post.get("actions_taken", "")),
            "supporting_factors": paragraphs(post.get("supporting_factors", "")),
            "obstacles": paragraphs(post.get("obstacles", "")),
            "suggestions": paragraphs(post.get("suggestions", "")),
        }
        if "measured_value" in post:
            raw = post.get("measured_value", "").strip()
            try:
                fields["measured_value"] = Decimal(raw) if raw else None
            except InvalidOperation:
                raise InvalidInput("ค่าที่วัดได้ต้องเป็นตัวเลข", "the measured value must be a number") from None
        ind.update_report(report, actor=actor, **fields)
        messages.success(request, _("The report's texts were saved."))
    elif action == "result":
        # the form always sends its note ("" clears it); a post without one keeps the note there is
        ind.set_result(
            report, _number(post.get("item")), post.get("status", ""), note=post.get("note"), actor=actor
        )
        messages.success(request, _("The item's result was saved."))
    elif action == "propose":
        checks.run_and_propose(report, trigger="web")
        messages.success(request, _("Checks were run and each item has a new proposal."))
    elif action == "accept":
        n = ind.accept_proposals(report, actor, note=post.get("note", ""))
        messages.success(request, _("%(n)d item(s) now follow their proposal.") % {"n": n})
    elif action in ("link", "unlink"):
        evidence = ev.get_evidence(_number(post.get("evidence")))
        access.require(request.user, roles.VIEW, evidence.unit)
        item = post.get("item", "")
        number = _number(item) if item else None
        if action == "link":
            ev.link(evidence, report, number, actor=actor)
            messages.success(request, _("The evidence was linked."))
        else:
            ev.unlink(evidence, report, number, actor=actor)
            messages.success(request, _("The link was removed."))
    elif action == "sign":
        sealing.sign(report, person_of(request.user), actor=actor)
        messages.success(request, _("The report is signed and locked."))
    elif action == "reopen":
        ind.reopen(report, person_of(request.user), post.get("reason", ""), actor=actor)
        messages.success(request, _("The report is open for changes again."))


def paragraphs(text: str) -> list[str]:
    """The report form's numbered paragraphs: one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("ต้องระบุหมายเลขเป็นตัวเลข", "a number is required") from None
    if not 0 <= number <= 2**62:
        raise InvalidInput("หมายเลขไม่ถูกต้อง", "the number is out of range")
    return number


def _context(request, unit, report) -> dict:
    english = (get_language() or "th").startswith("en")
    score = ind.compute_score(report)
    caps = roles.capabilities(request.user, unit)
    results = list(report.results.select_related("criterion").order_by("criterion__number"))
    links = list(
        EvidenceLink.objects.filter(report=report).select_related("evidence", "criterion").order_by("pk")
    )
    by_item: dict[int | None, list[EvidenceLink]] = {}
    for link in links:
        by_item.setdefault(link.criterion.number if link.criterion else None, []).append(link)
    # a signed report shows the indicator's name and the items' titles it pinned, not a later library's
    pinned = sealing.pinned_titles(report)
    heading, titles = pinned if pinned else (report.indicator, {})
    items = [
        {
            "result": r,
            "criterion": r.criterion,
            "title": titles.get(r.criterion.number, r.criterion),
            "status_label": STATUS_LABELS.get(r.status, r.status),
            "proposed_label": PROPOSED_LABELS.get(r.proposed_status, r.proposed_status),
            "reason": (r.proposal_reason_en if english else "") or r.proposal_reason,
            "links": by_item.get(r.criterion.number, []),
        }
        for r in results
    ]
    available = Evidence.objects.filter(unit=unit).order_by("-pk")[:500]
    return {
        "unit": unit,
        "report": report,
        "fy": report.round.agreement.fiscal_year,
        "months": report.round.months,
        "indicator": report.indicator,
        "heading": heading,
        "newer": sealing.newer_than_signed(report),
        "score": score,
        "items": items,
        "whole_report_links": by_item.get(None, []),
        "supervisors": ind.people(report, Assignment.Role.SUPERVISOR),
        "collectors": ind.people(report, Assignment.Role.COLLECTOR),
        "caps": caps,
        "editable": not report.is_signed,
        "available_evidence": available,
        "events": report.signoff_events.select_related("person").order_by("-at", "-pk")[:20],
        "formats": reports.FORMATS,
        "check_runs": [
            {"run": run, "title": _check_title(run.check_urn, english)}
            for run in sorted(checks.latest_runs(report).values(), key=lambda r: r.check_urn)
        ],
        "texts": {
            "actions_taken": "\n".join(report.actions_taken),
            "supporting_factors": "\n".join(report.supporting_factors),
            "obstacles": "\n".join(report.obstacles),
            "suggestions": "\n".join(report.suggestions),
        },
        "statuses": list(STATUS_LABELS.items()),
    }


def _check_title(urn: str, english: bool) -> str:
    """A check's name in the UI's language (its URN when the check is no longer registered)."""
    check = registry.get(urn)
    if check is None:
        return urn
    return (check.title_en if english else "") or check.title_th


@login_required
def libraries(request):
    """The indicator libraries (reference data, the same for every unit) and every version loaded."""
    rows = []
    for library in libs.libraries():
        versions = sorted(library.versions.all(), key=lambda v: -v.number)
        rows.append({"library": library, "current": versions[0] if versions else None, "versions": versions})
    return render(request, "indicators/libraries.html", {"rows": rows})


@login_required
def library_version(request, pk: int, number: int):
    """A stored version's YAML, byte for byte as it was loaded."""
    version = get_object_or_404(
        LibraryVersion.objects.select_related("library"), library_id=pk, number=number
    )
    try:
        data = libs.version_bytes(version)
    except LakthanError as exc:
        return error_page(request, exc.message(get_language() or "th"), 404)
    return HttpResponse(data, content_type="text/plain; charset=utf-8")
