"""Web pages of item 10 about accounts: the accounts of one system, one account with its history and
groups, the people of the roster and a person's rights everywhere (actions in actions.py)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from lakthan.access.models import IdentitySource
from lakthan.access.services.findings import findings
from lakthan.core import access, params, roles

ACCOUNTS_PAGE_SIZE = 50
STATES = ("enabled", "disabled", "gone")


def visible_system(user, code: str):
    """The inventory system ``code`` if it is of a unit the user may see (404 otherwise)."""

    from lakthan.inventory.models import System

    system = System.objects.select_related("unit", "owner").filter(code=code).first()
    allowed = access.visible_unit_ids(user)
    if system is None or (allowed is not None and system.unit_id not in allowed):
        raise Http404(code)
    return system


def _findings_by_account(today, system_id=None, account_ids=None) -> dict[int, list]:
    by_account: dict[int, list] = {}
    for f in findings(today, system_id=system_id, account_ids=account_ids):
        by_account.setdefault(f.account_id, []).append(f)
    return by_account


def _employees_of(accounts) -> dict[str, object]:
    """Employee id → Employee for the ids the accounts carry (one query)."""
    from lakthan.access.models import Employee

    ids = {a.employee_id for a in accounts if a.employee_id and not a.linked_employee_id}
    return {e.employee_id: e for e in Employee.objects.filter(employee_id__in=ids)}


def _row(account, employees, found) -> dict:
    if account.is_service:
        person = None
    else:
        person = account.linked_employee or employees.get(account.employee_id)
    logs = getattr(account, "login_in_logs", None)
    return {
        "account": account,
        "person": person,
        "groups": sorted(m.group.name for m in account.memberships.all() if m.until is None),
        "logs": logs,
        "findings": found.get(account.pk, []),
    }


@login_required
def system_accounts(request, code: str):

    from django.db.models import Prefetch

    from lakthan.access.engines.findings import KINDS
    from lakthan.access.models import Account, Membership

    system = visible_system(request.user, code)
    today = timezone.localdate()
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    query = params.text(request, "q", 100)
    accounts = Account.objects.filter(source__system=system)
    total = accounts.count()
    if state == "gone":
        accounts = accounts.filter(gone_at__isnull=False)
    else:
        accounts = accounts.filter(gone_at__isnull=True)
        if state:
            accounts = accounts.filter(disabled=state == "disabled")
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query) | Q(display_name__icontains=query) | Q(employee_id__icontains=query)
        )
    found = _findings_by_account(today, system_id=system.pk)
    if kind:
        accounts = accounts.filter(pk__in=[pk for pk, fs in found.items() if any(f.kind == kind for f in fs)])
    accounts = accounts.select_related(
        "source", "linked_employee", "owner", "login_in_logs"
    ).prefetch_related(
        Prefetch(
            "memberships", queryset=Membership.objects.filter(until__isnull=True).select_related("group")
        )
    )
    page = Paginator(accounts.order_by("username", "source__name", "pk"), ACCOUNTS_PAGE_SIZE).get_page(
        params.integer(request, "page", 1, 10**6) or 1
    )
    employees = _employees_of(page.object_list)
    kept = {k: v for k, v in (("state", state), ("kind", kind), ("q", query)) if v}
    return render(
        request,
        "access/system.html",
        {
            "system": system,
            "sources": IdentitySource.objects.filter(system=system),
            "rows": [_row(a, employees, found) for a in page.object_list],
            "page": page,
            "total": total,
            "state": state,
            "kind": kind,
            "query": query,
            "kinds": KINDS,
            "filters": urlencode(kept),
            "filtered": bool(kept),
            "counts": sorted(Counter(f.kind for fs in found.values() for f in fs).items()),
            "today": today,
            "current": "access",
        },
    )


def visible_account(user, pk: int):
    from django.shortcuts import get_object_or_404

    from lakthan.access.models import Account

    account = get_object_or_404(
        Account.objects.select_related("source__system__unit", "linked_employee", "owner"), pk=pk
    )
    visible_system(user, account.source.system.code)
    return account


@login_required
def account_page(request, pk: int):
    from lakthan.access.services.accounts import person_of

    account = visible_account(request.user, pk)
    today = timezone.localdate()
    found = _findings_by_account(today, account_ids={account.pk})
    return render(
        request,
        "access/account.html",
        {
            "account": account,
            "system": account.source.system,
            "person": person_of(account),
            "logs": getattr(account, "login_in_logs", None),
            "memberships": account.memberships.select_related("group").order_by("until", "group__name"),
            "changes": account.changes.select_related("sync").order_by("-at", "-pk"),
            "remediations": account.remediations.select_related("employee"),
            "findings": found.get(account.pk, []),
            "can_manage": roles.can(request.user, roles.MANAGE, account.source.system.unit),
            "today": today,
            "current": "access",
        },
    )


def visible_employee(user, employee_id: str):

    from lakthan.access.models import Employee

    employee = Employee.objects.select_related("unit", "person").filter(employee_id=employee_id).first()
    allowed = access.visible_unit_ids(user)
    if employee is None or (allowed is not None and employee.unit_id not in allowed):
        raise Http404(employee_id)
    return employee


@login_required
def person_page(request, employee_id: str):

    from lakthan.access.models import Membership
    from lakthan.access.services.accounts import accounts_of

    employee = visible_employee(request.user, employee_id)
    today = timezone.localdate()
    accounts = list(
        accounts_of(employee, access.visible_unit_ids(request.user))
        .select_related("login_in_logs")
        .prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.filter(until__isnull=True).select_related("group")
            )
        )
        .order_by("source__system__code", "source__name", "username")
    )
    found = _findings_by_account(today, account_ids={a.pk for a in accounts})
    rows = [_row(a, {employee.employee_id: employee}, found) for a in accounts]
    for row in rows:
        row["owned"] = row["account"].is_service
    return render(
        request,
        "access/person.html",
        {
            "employee": employee,
            "records": employee.records.select_related("roster_import", "unit").order_by(
                "-roster_import__at", "-pk"
            ),
            "rows": rows,
            "enabled": sum(1 for r in rows if not r["account"].disabled and not r["account"].gone_at),
            "today": today,
            "current": "access",
        },
    )


@login_required
def people_list(request):

    from lakthan.access.models import Employee
    from lakthan.core import roles

    query = params.text(request, "q", 100)
    employees = Employee.objects.filter(roles.unit_filter(request.user, "unit")).select_related("unit")
    if query:
        employees = employees.filter(
            Q(employee_id__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    page = Paginator(employees.order_by("employee_id"), ACCOUNTS_PAGE_SIZE).get_page(
        params.integer(request, "page", 1, 10**6) or 1
    )
    return render(
        request,
        "access/people.html",
        {
            "page": page,
            "query": query,
            "filters": urlencode({"q": query} if query else {}),
            "current": "access",
        },
    )
