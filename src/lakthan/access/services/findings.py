"""Findings of item 10 as of a day: the accounts' last synced state and the HR roster handed to the
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

from lakthan.access.engines.findings import AccountFacts, Finding, PersonFacts, Policy, judge
from lakthan.access.models import Account, Employee, IdentitySource
from lakthan.core.models import Unit


def policy(as_of: date) -> Policy:
    return Policy(
        as_of=as_of,
        dormant_days=settings.LAKTHAN_ACCESS_DORMANT_DAYS,
        password_max_days=settings.LAKTHAN_ACCESS_PASSWORD_MAX_DAYS or None,
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


def people(employee_ids: dict[int, str] | None = None) -> dict[str, PersonFacts]:
    """The roster by employee id; fills ``employee_ids`` (pk → employee id) when given."""
    rows = rows_of(
        Employee.objects.order_by().values_list(
            "pk",
            "employee_id",
            "title",
            "first_name",
            "last_name",
            "unit__code",
            "status",
            as_text("effective_date"),
        )
    )
    found = {}
    for pk, eid, title, first, last, unit, status, effective in rows:
        found[eid] = PersonFacts(eid, f"{title}{first}  {last}".strip(), unit, status, _day(effective))
        if employee_ids is not None:
            employee_ids[pk] = eid
    return found


def account_facts(unit: Unit | None = None, employee_ids: dict[int, str] | None = None) -> list[AccountFacts]:
    """The accounts not gone (of ``unit`` and below), by source name and user name. The sources and
    the people linked or owning are looked up here, not joined: the joins and the sort across them
    were a third of the query's time. ``employee_ids``: employee pk → employee id, when the caller
    has it."""
    qs = Account.objects.filter(gone_at__isnull=True).order_by()
    if unit is not None:
        qs = qs.filter(source__system__unit_id__in=unit.descendant_ids())
    if employee_ids is None:
        employee_ids = dict(Employee.objects.values_list("pk", "employee_id"))
    sources = {
        pk: (name, bool(tracks), system)
        for pk, name, tracks, system in IdentitySource.objects.values_list(
            "pk", "name", "tracks_login", "system__code"
        )
    }
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
        facts.append(  # positional: keyword arguments cost half the construction again
            AccountFacts(
                pk,
                source,
                system,
                username,
                not disabled,  # enabled
                tracks,
                employee_id,
                employee_ids.get(linked, "") if linked else "",  # linked_employee_id
                bool(is_service),
                employee_ids.get(owner, "") if owner else "",  # owner_employee_id
                moment(login),
                moment(created),
                moment(changed),  # password_changed
            )
        )
    return facts


def findings(as_of: date, unit: Unit | None = None) -> list[Finding]:
    # some 250,000 objects are built for 100,000 accounts, none of them in a reference cycle: the
    # cyclic collector, run every 700 allocations, was a quarter of the time (bench/access)
    collecting = gc.isenabled()
    gc.disable()
    try:
        employee_ids: dict[int, str] = {}
        roster = people(employee_ids)
        return judge(account_facts(unit, employee_ids), roster, policy(as_of))
    finally:
        if collecting:
            gc.enable()
