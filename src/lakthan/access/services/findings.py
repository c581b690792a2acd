"""Findings of item 10 as of a day: the accounts' last synced state (with their groups, when there is a
catalogue of roles), the HR roster (with each person's last move) and the catalogue handed to the
pure engine (engines/findings.py), which holds the rules."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import QuerySet

from lakthan.access.engines.findings import AccountFacts, Finding, Move, PersonFacts, Policy, judge
from lakthan.access.models import Account, Employee, EmployeeRecord, Membership
from lakthan.access.services import roles
from lakthan.core.models import Unit


def policy(as_of: date) -> Policy:
    return Policy(
        as_of=as_of,
        dormant_days=settings.LAKTHAN_ACCESS_DORMANT_DAYS,
        password_max_days=settings.LAKTHAN_ACCESS_PASSWORD_MAX_DAYS or None,
        mover_grace_days=settings.LAKTHAN_ACCESS_MOVER_GRACE_DAYS,
    )


def moves(employee_ids: set[str] | None = None) -> dict[str, Move]:
    """Each person's last change of unit or position in the roster's history (the record that shows the
    new post gives the day of the move)."""
    found: dict[str, Move] = {}
    post: dict[str, tuple[str, str]] = {}
    records = EmployeeRecord.objects.all()
    if employee_ids is not None:
        records = records.filter(employee__employee_id__in=employee_ids)
    rows = records.order_by("employee_id", "roster_import__at", "pk").values_list(
        "employee__employee_id", "unit__code", "position", "effective_date"
    )
    for eid, unit, position, effective in rows.iterator(chunk_size=5000):
        before = post.get(eid)
        if before is not None and before != (unit, position):
            found[eid] = Move(effective, before[0], before[1])
        post[eid] = (unit, position)
    return found


def people(employee_ids: set[str] | None = None, with_moves: bool = False) -> dict[str, PersonFacts]:
    employees = (
        Employee.objects.all()
        if employee_ids is None
        else Employee.objects.filter(employee_id__in=employee_ids)
    )
    rows = employees.values_list(
        "employee_id",
        "title",
        "first_name",
        "last_name",
        "unit__code",
        "status",
        "effective_date",
        "position",
    )
    last_moves = moves(employee_ids) if with_moves else {}
    out = {}
    for eid, title, first, last, unit, status, effective, position in rows:
        move = last_moves.get(eid)
        if with_moves and move is None and status == Employee.Status.TRANSFERRED:
            move = Move(effective)  # transferred, the old post never seen by Lakthan
        out[eid] = PersonFacts(
            eid, f"{title}{first}  {last}".strip(), unit, status, effective, position, move
        )
    return out


def last_login(in_source: datetime | None, in_logs: datetime | None) -> datetime | None:
    """An account's last login for the dormant rule: the later of its source's and the usage logs'."""
    return max((t for t in (in_source, in_logs) if t is not None), default=None)


def held_groups(accounts: QuerySet[Account]) -> dict[int, tuple[str, ...]]:
    qs = Membership.objects.filter(until__isnull=True, account__in=accounts)
    out: dict[int, list[str]] = {}
    for account_id, name in qs.values_list("account_id", "group__name").iterator(chunk_size=5000):
        out.setdefault(account_id, []).append(name)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def account_facts(
    unit: Unit | None = None,
    system_id: int | None = None,
    account_ids: set[int] | None = None,
    with_groups: bool = False,
) -> list[AccountFacts]:
    qs = Account.objects.filter(gone_at__isnull=True)
    if unit is not None:
        qs = qs.filter(source__system__unit_id__in=unit.descendant_ids())
    if system_id is not None:
        qs = qs.filter(source__system_id=system_id)
    if account_ids is not None:
        qs = qs.filter(pk__in=account_ids)
    groups = held_groups(qs) if with_groups else {}
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
            groups=groups.get(pk, ()),
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
    duties = roles.duties()
    with_roles = duties is not None  # without a catalogue, neither groups nor moves are read
    accounts = account_facts(unit, system_id, account_ids, with_roles)
    # a few accounts need only their people, not the whole roster
    wanted = {a.linked_employee_id or a.employee_id for a in accounts} if account_ids is not None else None
    return judge(accounts, people(wanted, with_roles), policy(as_of), duties)
