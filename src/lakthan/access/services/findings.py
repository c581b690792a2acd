"""Findings of item 10 as of a day: the accounts' last synced state (with their groups, when there is a
catalogue of roles), the HR roster (with each person's last move) and the catalogue handed to the
pure engine (engines/findings.py), which holds the rules.

The rows are read with the query Django builds but through the cursor, and the times converted here:
Django's per-value converters (parse, make aware) were half of `findings` on 100,000 accounts
(bench/access/findings.py)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from lakthan.access.engines.findings import AccountFacts, Finding, Move, PersonFacts, Policy, judge
from lakthan.access.models import (
    Account,
    Employee,
    EmployeeRecord,
    Group,
    IdentitySource,
    LoginInLogs,
    Membership,
)
from lakthan.access.services import roles
from lakthan.core.models import Unit


def policy(as_of: date) -> Policy:
    return Policy(
        as_of=as_of,
        dormant_days=settings.LAKTHAN_ACCESS_DORMANT_DAYS,
        password_max_days=settings.LAKTHAN_ACCESS_PASSWORD_MAX_DAYS or None,
        mover_grace_days=settings.LAKTHAN_ACCESS_MOVER_GRACE_DAYS,
    )


def rows_of(query: QuerySet) -> Iterator[tuple]:
    """The rows of a values_list query as the driver gives them (no Django converters)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def as_text(field: str) -> str | Cast:
    """SQLite's driver would hand a date or time to Django's parser (by the declared type); cast to
    text, it comes as the stored string, parsed faster here. PostgreSQL's driver parses in C."""
    return Cast(field, TextField()) if connection.vendor == "sqlite" else field


def moment_reader() -> Callable[[Any], datetime | None]:
    """A stored time as an aware UTC datetime: SQLite's text (naive UTC, cast by ``as_text``) parsed
    with the zone appended (ten times faster than parsing, then ``replace(tzinfo=)``); PostgreSQL's
    driver already gives aware datetimes."""
    if connection.vendor != "sqlite":
        return lambda value: value
    parse = datetime.fromisoformat
    return lambda value: None if value is None else parse(value + "+00:00")


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def moves(employee_ids: set[str] | None = None) -> dict[str, Move]:
    """Each person's last change of unit or position in the roster's history (the record that shows the
    new post gives the day of the move). Read through the cursor, units and people by key (the joins
    and converters were most of its time on a 50,000-person roster)."""
    found: dict[str, Move] = {}
    post: dict[int, tuple[int, str]] = {}
    records = EmployeeRecord.objects.all()
    if employee_ids is not None:
        records = records.filter(employee__employee_id__in=employee_ids)
    unit_codes = dict(Unit.objects.values_list("pk", "code"))
    rows = rows_of(
        records.order_by("employee_id", "roster_import__at", "pk").values_list(
            "employee_id", "unit_id", "position", as_text("effective_date")
        )
    )
    changed: dict[int, tuple[Any, int, str]] = {}
    for employee_pk, unit, position, effective in rows:
        before = post.get(employee_pk)
        if before is not None and before != (unit, position):
            changed[employee_pk] = (effective, before[0], before[1])
        post[employee_pk] = (unit, position)
    if changed:
        ids = dict(Employee.objects.filter(pk__in=changed).values_list("pk", "employee_id"))
        for employee_pk, (effective, unit, position) in changed.items():
            found[ids[employee_pk]] = Move(_day(effective), unit_codes.get(unit, ""), position)
    return found


def people(
    wanted: set[str] | None = None, with_moves: bool = False, employee_ids: dict[int, str] | None = None
) -> dict[str, PersonFacts]:
    """The roster by employee id (only ``wanted`` ones when given), with each person's last move when
    asked; fills ``employee_ids`` (pk → employee id) when given."""
    employees = Employee.objects.order_by()
    if wanted is not None:
        employees = employees.filter(employee_id__in=wanted)
    rows = rows_of(
        employees.values_list(
            "pk",
            "employee_id",
            "title",
            "first_name",
            "last_name",
            "unit__code",
            "status",
            as_text("effective_date"),
            "position",
        )
    )
    last_moves = moves(wanted) if with_moves else {}
    transferred = Employee.Status.TRANSFERRED
    found = {}
    for pk, eid, title, first, last, unit, status, effective, position in rows:
        day = _day(effective)
        move = last_moves.get(eid)
        if with_moves and move is None and status == transferred:
            move = Move(day)  # transferred, the old post never seen by Lakthan
        found[eid] = PersonFacts(eid, f"{title}{first}  {last}".strip(), unit, status, day, position, move)
        if employee_ids is not None:
            employee_ids[pk] = eid
    return found


def last_login(in_source: datetime | None, in_logs: datetime | None) -> datetime | None:
    """An account's last login for the dormant rule: the later of its source's and the usage logs'."""
    return max((t for t in (in_source, in_logs) if t is not None), default=None)


def held_groups(accounts: QuerySet[Account] | None) -> dict[int, tuple[str, ...]]:
    """The names of the groups each account holds now: of ``accounts``, or of every account (None; an
    account gone holds none, its memberships ended with it) without the subquery's cost."""
    names = dict(Group.objects.values_list("pk", "name"))
    open_ = Membership.objects.filter(until__isnull=True)
    if accounts is not None:
        open_ = open_.filter(account__in=accounts)
    rows = rows_of(open_.order_by().values_list("account_id", "group_id"))
    out: dict[int, list[str]] = {}
    for account_id, group_id in rows:
        out.setdefault(account_id, []).append(names[group_id])
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _logins_in_logs(accounts: QuerySet[Account]) -> dict[int, datetime | None]:
    moment = moment_reader()
    rows = rows_of(
        LoginInLogs.objects.filter(account__in=accounts).order_by().values_list("account_id", as_text("at"))
    )
    return {account_id: moment(at) for account_id, at in rows}


def account_facts(
    unit: Unit | None = None,
    system_id: int | None = None,
    account_ids: set[int] | None = None,
    with_groups: bool = False,
    employee_ids: dict[int, str] | None = None,
) -> list[AccountFacts]:
    """The accounts not gone (of ``unit`` and below, of a system, or some), by source name and user
    name. The sources and the people linked or owning are looked up here, not joined: the joins and the
    sort across them were a third of the query's time. ``employee_ids``: employee pk → employee id,
    when the caller has it."""
    qs = Account.objects.filter(gone_at__isnull=True).order_by()
    if unit is not None:
        qs = qs.filter(source__system__unit_id__in=unit.descendant_ids())
    if system_id is not None:
        qs = qs.filter(source__system_id=system_id)
    if account_ids is not None:
        qs = qs.filter(pk__in=account_ids)
    sources = {
        pk: (name, bool(tracks), system)
        for pk, name, tracks, system in IdentitySource.objects.values_list(
            "pk", "name", "tracks_login", "system__code"
        )
    }
    everyone = unit is None and system_id is None and account_ids is None
    groups = held_groups(None if everyone else qs) if with_groups else {}
    in_logs = _logins_in_logs(qs)
    moment = moment_reader()
    rows = list(
        rows_of(
            qs.values_list(
                "pk",
                "source_id",
                "username",
                "disabled",
                "employee_id",
                "linked_employee_id",
                "is_service",
                "owner_id",
                *(as_text(f) for f in ("last_login_at", "created_in_source_at", "password_changed_at")),
            )
        )
    )
    rows.sort(key=lambda row: (sources[row[1]][0], row[2]))
    if employee_ids is None:  # only the people these accounts are linked to or owned by (a page's few)
        wanted = {row[5] for row in rows if row[5]} | {row[7] for row in rows if row[7]}
        people_ = Employee.objects.filter(pk__in=wanted) if len(wanted) <= 500 else Employee.objects.all()
        employee_ids = dict(people_.values_list("pk", "employee_id"))
    facts = []
    for (
        pk,
        source_id,
        username,
        disabled,
        employee_id,
        linked,
        is_service,
        owner,
        login,
        created,
        changed,
    ) in rows:
        source, tracks, system = sources[source_id]
        seen_in_logs = in_logs.get(pk)
        facts.append(  # positional: keyword arguments cost half the construction again
            AccountFacts(
                pk,
                source,
                system,
                username,
                not disabled,  # enabled
                # a source that keeps no login time is judged on the logs' for the accounts they show
                tracks or seen_in_logs is not None,
                employee_id,
                employee_ids.get(linked, "") if linked else "",  # linked_employee_id
                bool(is_service),
                employee_ids.get(owner, "") if owner else "",  # owner_employee_id
                last_login(moment(login), seen_in_logs),
                moment(created),
                moment(changed),  # password_changed
                groups.get(pk, ()),
            )
        )
    return facts


def findings(
    as_of: date, unit: Unit | None = None, system_id: int | None = None, account_ids: set[int] | None = None
) -> list[Finding]:
    """The findings as of a day, of every account or of a unit's systems, a system, some accounts."""
    # some 250,000 objects are built for 100,000 accounts, none of them in a reference cycle: the
    # cyclic collector, run every 700 allocations, was a quarter of the time (bench/access)
    collecting = gc.isenabled()
    gc.disable()
    try:
        duties = roles.duties()
        with_roles = duties is not None  # without a catalogue, neither groups nor moves are read
        if account_ids is None:
            employee_ids: dict[int, str] = {}
            roster = people(with_moves=with_roles, employee_ids=employee_ids)
            accounts = account_facts(unit, system_id, None, with_roles, employee_ids)
        else:  # a few accounts need only their people, not the whole roster
            accounts = account_facts(unit, system_id, account_ids, with_roles)
            roster = people({a.linked_employee_id or a.employee_id for a in accounts}, with_roles)
        return judge(accounts, roster, policy(as_of), duties)
    finally:
        if collecting:
            gc.enable()
