"""Network findings of item 9 as of a day: the plan, the register as it stood at the end of that day
(Asia/Bangkok) and what was seen by then, handed to the pure engine (engines/findings.py), which holds
the rules.

The register as of a day is replayed from AddressChange (its own history: a removed registration keeps
its changes, no longer linked to it, so those are followed by their ``before``); today's register is
read from Address itself. The observations are aggregated in SQL, one row per address and MAC with its
last sighting, and read through the cursor (no model instances, no Django converters): a million
sightings make some hundred thousand rows (bench/network).

An observation counts as a sighting unless it is a lease the server only held for its failover peer
(binding state ``backup``) or a free lease that never had a client (no MAC): neither is a device on
the network. The plan is the plan of today: prefixes keep no history."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from lakthan.core.models import Unit
from lakthan.network.engines import findings as engine
from lakthan.network.models import Address, AddressChange, Observation, Prefix

KINDS = engine.KINDS


def rows_of(query: QuerySet) -> Iterator[tuple]:
    """The rows of a values_list query as the driver gives them (no Django converters)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10000):
            yield from batch


def window(as_of: date | None = None) -> engine.Window:
    return engine.Window.of(as_of or timezone.localdate(), settings.LAKTHAN_NET_STALE_DAYS)


def _unit_codes(unit_ids: set[int] | None) -> set[str] | None:
    if unit_ids is None:
        return None
    return set(Unit.objects.filter(pk__in=unit_ids).values_list("code", flat=True))


def _replay(changes: Iterator[tuple]) -> list[dict]:
    """The registrations standing after ``changes`` (registration id, pk, action, before, after, in
    time order). A change still linked to its registration follows it by id; one whose registration
    was removed since (the link is then null) follows the registration whose state is its ``before``
    (a removed registration's add and changes replayed up to a moment before its removal)."""
    import json

    linked: dict[int, dict] = {}
    loose: dict[int, dict] = {}  # the add's pk → state, for registrations removed since
    loose_by_address: dict[str, list[int]] = {}

    def load(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    for registration, pk, action, before, after in changes:
        after = load(after)
        if registration is not None:
            if action == AddressChange.Action.REMOVE or after is None:
                linked.pop(registration, None)
            else:
                linked[registration] = after
            continue
        before = load(before)
        token = None
        if before is not None:
            for candidate in loose_by_address.get(before.get("address", ""), []):
                if loose[candidate] == before:
                    token = candidate
                    break
        if token is not None:
            loose_by_address[loose[token]["address"]].remove(token)
            del loose[token]
        if action != AddressChange.Action.REMOVE and after is not None:
            token = token or pk
            loose[token] = after
            loose_by_address.setdefault(after.get("address", ""), []).append(token)
    return [*linked.values(), *loose.values()]


def register_as_of(moment: datetime, unit_ids: set[int] | None = None) -> list[dict]:
    """The register as it stood at ``moment``: each registration's newest change before it (removed
    ones gone), as the changes' ``after`` dicts (address, key, hostname, mac, unit code, owner, system,
    note), by key then unit. ``unit_ids``: only registrations in these units."""
    changes = rows_of(
        AddressChange.objects.filter(at__lt=moment)
        .order_by("at", "pk")
        .values_list("registration_id", "pk", "action", "before", "after")
    )
    register = _replay(changes)
    codes = _unit_codes(unit_ids)
    if codes is not None:
        register = [r for r in register if r.get("unit") in codes]
    register.sort(key=lambda r: (r.get("key", ""), r.get("unit", ""), r.get("hostname", "")))
    return register


def _registrations(as_of: date | None, w: engine.Window) -> list[engine.Registration]:
    if as_of is None:
        codes = dict(Unit.objects.values_list("pk", "code"))
        rows = rows_of(Address.objects.order_by().values_list("address", "key", "mac", "unit_id", "hostname"))
        return [engine.Registration(a, k, m, codes.get(u, ""), h) for a, k, m, u, h in rows]
    return [
        engine.Registration(
            r["address"], r["key"], r.get("mac") or "", r.get("unit") or "", r.get("hostname") or ""
        )
        for r in register_as_of(w.end)
    ]


def _prefixes() -> list[engine.PlanPrefix]:
    codes = dict(Unit.objects.values_list("pk", "code"))
    return [
        engine.PlanPrefix(first, last, codes.get(unit, ""), cidr)
        for first, last, unit, cidr in Prefix.objects.order_by().values_list(
            "first", "last", "unit_id", "cidr"
        )
    ]


SEEN_SQL = """
SELECT key, mac, {last} FROM {table}
WHERE first_seen < %s AND state != 'backup' AND NOT (state = 'free' AND mac = '')
GROUP BY key, mac"""
# the last sighting: SQLite's stored UTC text as it is (texts compare as the times do: converting
# 100,000 of them cost more than the rules), PostgreSQL's as POSIX seconds
LAST = {
    "sqlite": "max(last_seen)",
    "postgresql": "CAST(extract(epoch FROM max(last_seen)) AS double precision)",
}


def seen_by(moment: datetime) -> engine.Seen:
    """Per key, per MAC ("" for none), the last sighting (``LAST``: text on SQLite, POSIX seconds
    elsewhere) of the observations begun before ``moment`` that count: one GROUP BY in SQL."""
    # walks the index network_obs_sightings, which holds every column read, in the GROUP BY's order
    sql = SEEN_SQL.format(last=LAST[connection.vendor], table=Observation._meta.db_table)
    seen: engine.Seen = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(moment)])
        while batch := cursor.fetchmany(10000):
            for key, mac, last in batch:
                macs = seen.get(key)
                if macs is None:
                    seen[key] = {mac: last}
                else:
                    macs[mac] = last
    return seen


def _units(unit: Unit | None, unit_ids: set[int] | None) -> set[int] | None:
    ids = None if unit is None else set(unit.descendant_ids())
    if unit_ids is not None:
        ids = set(unit_ids) if ids is None else ids & set(unit_ids)
    return ids


def judge(unit: Unit | None = None, as_of: date | None = None, unit_ids: set[int] | None = None):
    """The engine's Finding objects (with their ``facts``, which the documents write in Thai)."""
    collecting = gc.isenabled()
    gc.disable()  # some 200,000 small objects, none in a cycle: the collector would be a fifth of it
    try:
        w = window(as_of)
        return engine.judge(
            _prefixes(),
            _registrations(as_of, w),
            seen_by(w.end),
            w,
            _unit_codes(_units(unit, unit_ids)),
            text_instants=connection.vendor == "sqlite",
        )
    finally:
        if collecting:
            gc.enable()


def network_findings(
    unit: Unit | None = None, as_of: date | None = None, unit_ids: set[int] | None = None
) -> list[dict]:
    """The findings as of the end of ``as_of`` (Bangkok; None: today, from the register as it is), each
    ``{"kind", "address", "detail", "unit", "hostname"}``, sorted by kind then address key. ``unit``:
    that unit and those below it; ``unit_ids``: only these units (both: the units in both). A finding
    belongs to a unit when its address is registered there or lies in one of its prefixes."""
    return [f.as_dict() for f in judge(unit, as_of, unit_ids)]


def findings_counts(
    unit: Unit | None = None, as_of: date | None = None, unit_ids: set[int] | None = None
) -> dict[str, int]:
    """Findings per kind (every kind named, 0 when none)."""
    return engine.counts(judge(unit, as_of, unit_ids))
