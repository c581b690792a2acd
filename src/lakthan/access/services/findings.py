"""Findings of item 10 as of a day: the accounts' last synced state and the HR roster handed to the
pure engine (engines/findings.py), which holds the rules."""

from __future__ import annotations

from datetime import date

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


def people() -> dict[str, PersonFacts]:
    rows = Employee.objects.values_list(
        "employee_id", "title", "first_name", "last_name", "unit__code", "status", "effective_date"
    )
    return {
        eid: PersonFacts(eid, f"{title}{first}  {last}".strip(), unit, status, effective)
        for eid, title, first, last, unit, status, effective in rows
    }


def account_facts(unit: Unit | None = None) -> list[AccountFacts]:
    qs = Account.objects.filter(gone_at__isnull=True)
    if unit is not None:
        qs = qs.filter(source__system__unit_id__in=unit.descendant_ids())
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
    )
    return [
        AccountFacts(
            account_id=pk,
            source=source,
            system=system,
            username=username,
            enabled=not disabled,
            tracks_login=tracks,
            employee_id=employee_id,
            linked_employee_id=linked or "",
            is_service=is_service,
            owner_employee_id=owner or "",
            last_login=last_login,
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
            last_login,
            created,
            changed,
        ) in rows
    ]


def findings(as_of: date, unit: Unit | None = None) -> list[Finding]:
    return judge(account_facts(unit), people(), policy(as_of))
