"""The catalogue of roles per duty: imported whole from YAML (the engine validates, naming lines), kept
per import with who, when and its SHA-256; the newest import is the catalogue in force, replaced in
one transaction. Without any import there is no catalogue: no excess_right nor sod_conflict finding."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from lakthan.access.engines.catalogue import (
    Catalogue,
    CatalogueRejected,
    Duties,
    Rule,
    parse_catalogue,
)
from lakthan.access.engines.catalogue import (
    SodPair as PairFacts,
)
from lakthan.access.models import RoleCatalogue, RoleRule, SodPair
from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.inventory.models import System

SHOWN_PROBLEMS = 5


def import_catalogue(data: bytes, file_name: str, actor: str = audit.SYSTEM) -> RoleCatalogue:
    systems = dict(System.objects.values_list("code", "pk"))
    units = dict(Unit.objects.values_list("code", "pk"))
    try:
        catalogue = parse_catalogue(data, set(systems), set(units))
    except CatalogueRejected as exc:
        shown = exc.problems[:SHOWN_PROBLEMS]
        more = len(exc.problems) - len(shown)
        tail_th, tail_en = (f" (และอีก {more} ข้อ)", f" (and {more} more)") if more else ("", "")
        raise InvalidInput(
            f"ไม่นำเข้าบัญชีบทบาท {file_name}: " + "; ".join(p.message_th for p in shown) + tail_th,
            f"role catalogue {file_name} not imported: " + "; ".join(p.message_en for p in shown) + tail_en,
        ) from None
    return _apply(catalogue, systems, units, data, file_name, actor)


@transaction.atomic
def _apply(
    catalogue: Catalogue,
    systems: dict[str, int],
    units: dict[str, int],
    data: bytes,
    file_name: str,
    actor: str,
) -> RoleCatalogue:
    record = RoleCatalogue.objects.create(
        at=timezone.now(),
        actor=actor,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        label=catalogue.label[:255],
    )
    RoleRule.objects.bulk_create(
        RoleRule(
            catalogue=record,
            line=r.line,
            system_id=systems[r.system],
            position=r.position,
            unit_id=units[r.unit] if r.unit else None,
            groups=list(r.groups),
        )
        for r in catalogue.rules
    )
    SodPair.objects.bulk_create(
        SodPair(
            catalogue=record,
            line=p.line,
            system_id=systems[p.system],
            group_a=p.group_a,
            group_b=p.group_b,
            reason=p.reason,
        )
        for p in catalogue.pairs
    )
    audit.record(actor, "access.roles.import", record)
    return record


def current() -> RoleCatalogue | None:
    """The catalogue in force: the newest import."""
    return RoleCatalogue.objects.order_by("-at", "-pk").first()


def unit_chains() -> dict[str, tuple[str, ...]]:
    """Each unit's code with the codes of the units above it (the tree is small: one query)."""
    rows = dict(Unit.objects.values_list("pk", "parent_id"))
    codes = dict(Unit.objects.values_list("pk", "code"))
    chains = {}
    for pk in rows:
        chain, seen = [], set()
        node: int | None = pk
        while node is not None and node not in seen:
            seen.add(node)
            chain.append(codes[node])
            node = rows.get(node)
        chains[codes[pk]] = tuple(chain)
    return chains


def catalogue_of(record: RoleCatalogue) -> Catalogue:
    rules = tuple(
        Rule(line, system, position, unit or "", tuple(groups))
        for line, system, position, unit, groups in record.rules.values_list(
            "line", "system__code", "position", "unit__code", "groups"
        )
    )
    pairs = tuple(
        PairFacts(line, system, a, b, reason)
        for line, system, a, b, reason in record.sod_pairs.values_list(
            "line", "system__code", "group_a", "group_b", "reason"
        )
    )
    return Catalogue(label=record.label, rules=rules, pairs=pairs)


def duties() -> Duties | None:
    """The catalogue in force, indexed for the findings; None without one."""
    record = current()
    if record is None:
        return None
    return Duties(catalogue_of(record), unit_chains())


def listing(record: RoleCatalogue | None = None) -> dict:
    """The catalogue (in force by default) as plain data: what `roles list --json` and the API show."""
    record = record or current()
    if record is None:
        return {"catalogue": None, "rules": [], "sod": []}
    return {
        "catalogue": {
            "id": record.pk,
            "at": record.at.isoformat(),
            "actor": record.actor,
            "file_name": record.file_name,
            "sha256": record.sha256,
            "label": record.label,
        },
        "rules": [
            {"line": line, "system": system, "position": position, "unit": unit, "groups": groups}
            for line, system, position, unit, groups in record.rules.order_by(
                "system__code", "line"
            ).values_list("line", "system__code", "position", "unit__code", "groups")
        ],
        "sod": [
            {"line": line, "system": system, "pair": [a, b], "reason": reason}
            for line, system, a, b, reason in record.sod_pairs.order_by("system__code", "line").values_list(
                "line", "system__code", "group_a", "group_b", "reason"
            )
        ],
    }
