"""Web pages of item 10: the sources of the caller's units with their accounts and syncs, the findings
as of a day (filtered, paged, as CSV), and the HR roster with its imports. Pages that change things
live in actions.py."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lakthan.access.engines.findings import KINDS, Finding
from lakthan.access.models import Employee, IdentitySource, RosterImport
from lakthan.access.services import jobs as access_jobs
from lakthan.access.services.findings import findings, people
from lakthan.core import access, jobs, params, roles
from lakthan.core.models import Unit

PAGE_SIZE = 100
KIND_LABELS = {
    "leaver_active": _("Leaver with an enabled account"),
    "dormant": _("Dormant account"),
    "orphan": _("Orphan account (no person)"),
    "no_owner": _("Service account without owner"),
    "password_age": _("Password older than allowed"),
    "excess_right": _("Right beyond the duty's roles"),
    "sod_conflict": _("Segregation-of-duty conflict"),
}


def visible_sources(user):
    allowed = access.visible_unit_ids(user)
    qs = IdentitySource.objects.select_related("system__unit")
    return qs if allowed is None else qs.filter(system__unit_id__in=allowed)


def visible_source(user, name: str) -> IdentitySource:
    source = visible_sources(user).filter(name=name).first()
    if source is None:
        raise Http404(name)
    return source


def can_sync(user, unit) -> bool:
    return roles.can(user, roles.DECIDE, unit) or roles.can(user, roles.MANAGE, unit)


def can_add_source(user) -> bool:
    manage = roles.scope(user, roles.MANAGE)
    return manage is None or bool(manage)


def can_import_roster(user) -> bool:
    """The roster is the whole agency's: importing it takes MANAGE over every unit."""
    manage = roles.scope(user, roles.MANAGE)
    return manage is None or set(Unit.objects.values_list("pk", flat=True)) <= manage


@login_required
def index(request):
    today = timezone.localdate()
    sources = (
        visible_sources(request.user)
        .order_by("name")
        .annotate(
            accounts_enabled=Count(
                "accounts", filter=Q(accounts__gone_at__isnull=True, accounts__disabled=False)
            ),
            accounts_disabled=Count(
                "accounts", filter=Q(accounts__gone_at__isnull=True, accounts__disabled=True)
            ),
        )
    )
    system_codes = {s.system.code for s in sources}
    counts = Counter(f.kind for f in findings(today) if f.system in system_codes)
    labelled = [(k, KIND_LABELS.get(k, k), counts[k]) for k in KINDS if counts[k]]
    return render(
        request,
        "access/index.html",
        {
            "sources": sources,
            "counts": labelled,
            "today": today,
            "current": "access",
            "can_add": can_add_source(request.user),
        },
    )


@login_required
def source_detail(request, name: str):
    source = visible_source(request.user, name)
    unit = source.system.unit
    live = source.accounts.filter(gone_at__isnull=True)
    return render(
        request,
        "access/source.html",
        {
            "source": source,
            "runs": [(r, (r.finished_at - r.started_at).total_seconds()) for r in source.syncs.all()[:30]],
            "enabled": live.filter(disabled=False).count(),
            "disabled": live.filter(disabled=True).count(),
            "gone": source.accounts.filter(gone_at__isnull=False).count(),
            "groups": source.groups.filter(gone_at__isnull=True).count(),
            "can_sync": can_sync(request.user, unit),
            "can_manage": roles.can(request.user, roles.MANAGE, unit),
            "jobs": [(job, jobs.label(job.kind)) for job in jobs.recent(access_jobs.SYNC, source.name)],
        },
    )


def remediation_unit(request, chosen: Unit | None) -> Unit | None:
    """The unit a "remediate leavers" button acts for: the one filtered on, else the highest unit the
    caller may decide in; None when the caller may decide nowhere."""
    if chosen is not None:
        return chosen if roles.can(request.user, roles.DECIDE, chosen) else None
    decide = roles.scope(request.user, roles.DECIDE)
    for _depth, unit in access.visible_tree(request.user):
        if decide is None or unit.pk in decide:
            return unit
    return None


def judged(request) -> tuple[dict, list[Finding]]:
    """The findings the request asks for (as of a day, by kind, system and unit), of the caller's
    units only, and the filters as read."""
    as_of = params.day(request, "as_of") or timezone.localdate()
    unit_code = params.text(request, "unit", 60)
    unit = access.unit_for(request.user, unit_code) if unit_code else None
    kind = params.text(request, "kind", 20)
    system = params.text(request, "system", 80)
    visible = {s.system.code for s in visible_sources(request.user)}
    found = [
        f
        for f in findings(as_of, unit)
        if f.system in visible and (not kind or f.kind == kind) and (not system or f.system == system)
    ]
    found.sort(key=lambda f: (KINDS.index(f.kind), f.system, f.account))
    filters = {"as_of": as_of, "unit": unit, "kind": kind, "system": system, "systems": sorted(visible)}
    return filters, found


def shown(detail: dict) -> dict:
    """A finding's detail with its ISO dates and times read back, for the page to write them in Thai."""
    out = dict(detail)
    if out.get("status"):
        out["status"] = dict(Employee.Status.choices).get(out["status"], out["status"])
    if out.get("effective_date"):
        out["effective_date"] = date.fromisoformat(out["effective_date"])
    for name in ("last_login", "created", "changed"):
        if out.get(name):
            out[name] = datetime.fromisoformat(out[name])
    return out


def _query(filters: dict, **extra) -> str:
    values = {
        "as_of": filters["as_of"].isoformat(),
        "unit": filters["unit"].code if filters["unit"] else "",
        "kind": filters["kind"],
        "system": filters["system"],
        **extra,
    }
    return urlencode({k: v for k, v in values.items() if v})


@login_required
def findings_page(request):
    filters, found = judged(request)
    if request.GET.get("format") == "csv":
        return findings_csv(filters, found)
    names = people()
    counts = Counter(f.kind for f in found)
    page = Paginator(found, PAGE_SIZE).get_page(params.integer(request, "page", 1, 10**6) or 1)
    rows = [
        (f, names.get(f.person), KIND_LABELS.get(f.kind, f.kind), shown(f.detail)) for f in page.object_list
    ]
    target = remediation_unit(request, filters["unit"])
    return render(
        request,
        "access/findings.html",
        {
            **filters,
            "kinds": [(k, KIND_LABELS.get(k, k)) for k in KINDS],
            "counts": [(k, KIND_LABELS.get(k, k), counts[k]) for k in KINDS if counts[k]],
            "total": len(found),
            "page": page,
            "rows": rows,
            "query": _query(filters),
            "units": access.visible_tree(request.user),
            "remediation_unit": target,
            "jobs": [(job, jobs.label(job.kind)) for job in jobs.recent(access_jobs.REMEDIATE, target.code)]
            if target
            else [],
        },
    )


def findings_csv(filters: dict, found: list[Finding]) -> HttpResponse:
    names = people()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    day = filters["as_of"].isoformat()
    response["Content-Disposition"] = f'attachment; filename="access-findings-{day}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Thai correctly only with the BOM
    out = csv.writer(response)
    out.writerow(["as_of", "kind", "account", "system", "employee_id", "name", "unit", "detail"])
    for f in found:
        person = names.get(f.person)
        out.writerow(
            [
                day,
                f.kind,
                f.account,
                f.system,
                f.person,
                person.name if person else "",
                person.unit if person else "",
                json.dumps(f.detail, ensure_ascii=False, sort_keys=True),
            ]
        )
    return response


def visible_employees(user):
    allowed = access.visible_unit_ids(user)
    qs = Employee.objects.select_related("unit")
    return qs if allowed is None else qs.filter(unit_id__in=allowed)


@login_required
def roster(request, form=None, status: int = 200):
    from lakthan.access.forms import RosterUploadForm

    q = params.text(request, "q", 120)
    state = params.text(request, "status", 20)
    employees = visible_employees(request.user)
    total = employees.count()
    by_status = dict(employees.values_list("status").annotate(n=Count("pk")).order_by())
    status_counts = [(v, label, by_status[v]) for v, label in Employee.Status.choices if by_status.get(v)]
    if q:
        employees = employees.filter(
            Q(employee_id__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(position__icontains=q)
            | Q(unit__code__iexact=q)
        )
    if state:
        employees = employees.filter(status=state)
    page = Paginator(employees, PAGE_SIZE).get_page(params.integer(request, "page", 1, 10**6) or 1)
    may_import = can_import_roster(request.user)
    return render(
        request,
        "access/roster.html",
        {
            "page": page,
            "total": total,
            "q": q,
            "status": state,
            "statuses": Employee.Status.choices,
            "status_counts": status_counts,
            "filters": urlencode({k: v for k, v in (("q", q), ("status", state)) if v}),
            "imports": RosterImport.objects.all()[:20],
            "can_import": may_import,
            "form": form if form is not None else (RosterUploadForm() if may_import else None),
        },
        status=status,
    )
