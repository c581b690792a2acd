"""Findings of item 10 as of a day: the accounts' last synced state and the HR roster handed to the
pure engine (engines/findings.py), which holds the rules."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings

from lakthan.access.engines.findings import AccountFacts, Finding, PersonFacts, Policy, judge
from lakthan.access.models import Account, Employee
from lakthan.core.models import Unit


def policy(as_of: date) -> Policy:
    return Policy(
        as_of=as_of,
        dormant_days=settings.LAKTHAN_ACCESS_DORMANT_DAYS,
        password_max_days=settings.LAKTHAN_ACCESS_PASSWORD_MAX_DAYS or None,
    )


def people(employee_ids: set[str] | None = None) -> dict[str, PersonFacts]:
    employees = (
        Employee.objects.all()
        if employee_ids is None
        else Employee.objects.filter(employee_id__in=employee_ids)
    )
    rows = employees.values_list(
        "employee_id", "title", "first_name", "last_name", "unit__code", "status", "effective_date"
    )
    return {
        eid: PersonFacts(eid, f"{title}{first}  {last}".strip(), unit, status, effective)
        for eid, title, first, last, unit, status, effective in rows
    }


def last_login(in_source: datetime | None, in_logs: datetime | None) -> datetime | None:
    """An account's last login for the dormant rule: the later of its source's and the usage logs'."""
    return max((t for t in (in_source, in_logs) if t is not None), default=None)


def account_facts(
    unit: Unit | None = None, system_id: int | None = None, account_ids: set[int] | None = None
) -> list[AccountFacts]:
    qs = Account.objects.filter(gone_at__isnull=True)
    if unit is not None:
        qs = qs.filter(source__system__unit_id__in=unit.descendant_ids())
    if system_id is not None:
        qs = qs.filter(source__system_id=system_id)
    if account_ids is not None:
        qs = qs.filter(pk__in=account_ids)
    rows = qs.values_list(
        "pk",
        "source__name",
        "source__tracks_login",
        "source__system__code",
        "username",
        "disabled",
        "employee_id",
        "linked_employee__employee_id",
        "is_service",
        "owner__employee_id",
        "last_login_at",
        "created_in_source_at",
        "password_changed_at",
        "login_in_logs__at",
    )
    # a source that keeps no login time is judged on the logs' for the accounts they show logging in
    return [
        AccountFacts(
            account_id=pk,
            source=source,
            system=system,
            username=username,
            enabled=not disabled,
            tracks_login=tracks or in_logs is not None,
            employee_id=employee_id,
            linked_employee_id=linked or "",
            is_service=is_service,
            owner_employee_id=owner or "",
            last_login=last_login(in_source, in_logs),
            created=created,
            password_changed=changed,
        )
        for (
            pk,
            source,
            tracks,
            system,
            username,
            disabled,
            employee_id,
            linked,
            is_service,
            owner,
            in_source,
            created,
            changed,
            in_logs,
        ) in rows
    ]


def findings(
    as_of: date, unit: Unit | None = None, system_id: int | None = None, account_ids: set[int] | None = None
) -> list[Finding]:
    """The findings as of a day, of every account or of a unit's systems, a system, some accounts."""
    accounts = account_facts(unit, system_id, account_ids)
    # a few accounts need only their people, not the whole roster
    wanted = {a.linked_employee_id or a.employee_id for a in accounts} if account_ids is not None else None
    return judge(accounts, people(wanted), policy(as_of))
