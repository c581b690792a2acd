"""Pages of review campaigns: the list, a campaign's progress per reviewer (and its report PDF), and the
reviewer's page, where a busy unit head decides dozens of rights in minutes: their items filtered by
system, group or finding, select all + keep, revoke with a required comment.

Who sees what: a campaign is visible to those who may see its unit, and to its reviewers (a unit head
need hold no Lakthan role to review their people's rights). Decisions go through
services/campaigns.py, which refuses anyone who is not the item's reviewer (or, after the due date,
the fallback / the escalation reviewer) and anyone deciding their own rights."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.access.forms import CampaignStartForm
from lakthan.access.models import ReviewCampaign, ReviewItem
from lakthan.access.services import campaigns as svc
from lakthan.access.services.campaign_report import report_pdf
from lakthan.access.services.campaign_status import campaign_rows, status
from lakthan.access.services.findings import findings
from lakthan.core import access, roles
from lakthan.core.errors import LakthanError
from lakthan.core.models import Person, Unit
from lakthan.inventory.models import System

FINDING_KINDS = {
    "leaver_active": gettext_lazy("Leaver still enabled"),
    "dormant": gettext_lazy("Dormant"),
    "orphan": gettext_lazy("Orphan"),
    "no_owner": gettext_lazy("Service account without owner"),
    "password_age": gettext_lazy("Old password"),
    "excess_right": gettext_lazy("Beyond duty"),
    "sod_conflict": gettext_lazy("SoD conflict"),
}


def _visible(user):
    return svc.visible_campaigns(user)


def _campaign(user, campaign_id: int) -> ReviewCampaign:
    campaign = _visible(user).select_related("unit", "system", "fallback").filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404(campaign_id)
    return campaign


@login_required
def campaigns(request):
    rows = campaign_rows(_visible(request.user))
    person = svc.reviewer_of(request.user)
    pending: dict[int, int] = defaultdict(int)
    if person is not None:
        for cid in ReviewItem.objects.filter(
            reviewer=person, decision="", campaign__state="open"
        ).values_list("campaign_id", flat=True):
            pending[cid] += 1
    for row in rows:
        row["mine"] = pending.get(row["id"], 0)
    manage = roles.scope(request.user, roles.MANAGE)
    return render(
        request,
        "access/review_campaigns.html",
        {"rows": rows, "today": timezone.localdate(), "can_start": manage is None or bool(manage)},
    )


@login_required
def campaign_start(request):
    """Start a campaign over a unit the caller manages (MANAGE): the same service as
    `lakthan access campaign start`."""
    manage = roles.scope(request.user, roles.MANAGE)
    if manage is not None and not manage:
        raise PermissionDenied(roles.MANAGE)
    units = Unit.objects.order_by("code")
    systems = System.objects.filter(active=True).order_by("code")
    people = Person.objects.order_by("unit__code", "first_name_th")
    if manage is not None:
        units, systems, people = (
            units.filter(pk__in=manage),
            systems.filter(unit_id__in=manage),
            people.filter(unit_id__in=manage),
        )
    form = CampaignStartForm(
        request.POST or None,
        units=[(u.code, f"{u.code} · {u.name_th}") for u in units],
        systems=[(s.code, f"{s.code} · {s.name_th}") for s in systems],
        people=[(str(p.pk), p.display_name) for p in people],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = units.get(code=data["unit"])
        access.require(request.user, roles.MANAGE, unit)
        try:
            started = svc.start(
                unit,
                data["due"],
                system=systems.get(code=data["system"]) if data["system"] else None,
                privileged_only=data["privileged_only"],
                fallback=people.get(pk=data["fallback"]) if data["fallback"] else None,
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(get_language() or "th"))
        else:
            messages.success(request, _("The campaign was started."))
            return redirect("access:review-campaign", started.pk)
    return render(
        request,
        "access/form.html",
        {"form": form, "heading": _("Start an access review"), "submit": _("Start the campaign"), "code": ""},
    )


@login_required
def campaign(request, campaign_id: int):
    c = _campaign(request.user, campaign_id)
    data = status(c, timezone.localdate())
    person = svc.reviewer_of(request.user)
    may_review = person is not None and c.items.filter(reviewer=person).exists()
    return render(
        request,
        "access/review_campaign.html",
        {"campaign": c, "s": data, "may_review": may_review or (person is not None and person == c.fallback)},
    )


@login_required
def campaign_report(request, campaign_id: int):
    c = _campaign(request.user, campaign_id)
    response = HttpResponse(report_pdf(c), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="access-review-{c.pk}.pdf"'
    return response


def _my_items(campaign: ReviewCampaign, person, today):
    items = campaign.items.select_related("account", "group", "reviewer__unit", "subject").order_by(
        "account_name", "group_name"
    )
    if today <= campaign.due:  # before escalation only one's own items can be decided by one
        items = items.filter(Q(reviewer=person) | Q(decided_by_person=person))
    return [
        i for i in items if svc.may_decide(campaign, i, person, today) or i.decided_by_person_id == person.pk
    ]


@login_required
def review(request, campaign_id: int):
    c = _campaign(request.user, campaign_id)
    person = svc.reviewer_of(request.user)
    if person is None:
        raise Http404("no person")
    today = timezone.localdate()
    mine = _my_items(c, person, today)
    kinds: dict[int, set[str]] = defaultdict(set)
    for f in findings(today, c.unit):
        kinds[f.account_id].add(f.kind)
    systems = sorted({i.system_code for i in mine})
    groups = sorted({i.group_name for i in mine})
    chosen = {
        "system": request.GET.get("system", ""),
        "group": request.GET.get("group", ""),
        "finding": request.GET.get("finding", ""),
        "show": request.GET.get("show", "pending"),
    }
    shown = []
    for i in mine:
        i.findings = [(k, FINDING_KINDS.get(k, k)) for k in sorted(kinds.get(i.account_id, ()))]
        if chosen["system"] and i.system_code != chosen["system"]:
            continue
        if chosen["group"] and i.group_name != chosen["group"]:
            continue
        if chosen["finding"] == "none" and i.findings:
            continue
        if chosen["finding"] not in ("", "none") and chosen["finding"] not in kinds.get(i.account_id, ()):
            continue
        if chosen["show"] == "pending" and i.decision:
            continue
        if chosen["show"] == "decided" and not i.decision:
            continue
        shown.append(i)
    pending = sum(1 for i in mine if not i.decision)
    return render(
        request,
        "access/review_items.html",
        {
            "campaign": c,
            "items": shown,
            "total": len(mine),
            "pending": pending,
            "systems": systems,
            "groups": groups,
            "kinds": FINDING_KINDS.items(),
            "chosen": chosen,
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "overdue": today > c.due,
            "open": c.is_open,
        },
    )


@login_required
@require_POST
def review_decide(request, campaign_id: int):
    c = _campaign(request.user, campaign_id)
    person = svc.reviewer_of(request.user)
    if person is None:
        raise Http404("no person")
    action = request.POST.get("action", "")
    ids = [int(v) for v in request.POST.getlist("item") if v.isdigit()]
    comment = request.POST.get("comment", "")[:2000]
    actor = request.user.get_username()
    try:
        if action == "keep":
            n = svc.decide(c, ids, svc.KEEP, by=person, actor=actor)
            messages.success(request, _("%(n)d right(s) kept.") % {"n": n})
        elif action == "revoke":
            n = svc.decide(c, ids, svc.REVOKE, by=person, comment=comment, actor=actor)
            messages.success(request, _("%(n)d right(s) revoked.") % {"n": n})
        elif action == "reduce":
            revoked, kept = svc.reduce(c, ids, by=person, comment=comment, actor=actor)
            messages.success(request, _("%(r)d right(s) revoked, %(k)d kept.") % {"r": revoked, "k": kept})
        else:
            raise Http404(action)
    except LakthanError as exc:
        messages.error(request, exc.message(get_language() or "th"))
    filters = QueryDict(request.POST.get("query", ""))  # only the filters, re-encoded
    query = urlencode({k: filters[k] for k in ("system", "group", "finding", "show") if filters.get(k)})
    url = reverse("access:review-items", args=[c.pk])
    return redirect(f"{url}?{query}" if query else url)
