"""Roles per unit: who may do what, where. Every web view and API endpoint asks here.

A role held in a unit covers that unit and every unit below it. Roles come from
 * explicit grants (``RoleGrant``, managed in the admin),
 * the indicator assignments (a person named supervisor or data collector of an indicator in a unit
   holds that role in the unit), and
 * a person's own unit, read-only ("member").
Staff and superusers are administrators of every unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from lakthan.core.models import Person

ADMIN, SUPERVISOR, COLLECTOR, REVIEWER, AUDITOR, MEMBER = (
    "admin",
    "supervisor",
    "collector",
    "reviewer",
    "auditor",
    "member",
)

# Capabilities
VIEW = "view"  # read pages, API, downloads
UPLOAD = "upload"  # add evidence and revisions
LINK = "link"  # link/unlink evidence to items
EDIT_REPORT = "edit_report"  # the report form's texts
DECIDE = "decide"  # decide an item's result, accept proposals, run checks
SIGN = "sign"  # sign off and reopen
MANAGE = "manage"  # unit administration

CAPABILITIES: dict[str, frozenset[str]] = {
    ADMIN: frozenset({VIEW, UPLOAD, LINK, EDIT_REPORT, DECIDE, SIGN, MANAGE}),
    SUPERVISOR: frozenset({VIEW, UPLOAD, LINK, EDIT_REPORT, DECIDE, SIGN}),
    COLLECTOR: frozenset({VIEW, UPLOAD, LINK, EDIT_REPORT}),
    REVIEWER: frozenset({VIEW, DECIDE}),
    AUDITOR: frozenset({VIEW}),
    MEMBER: frozenset({VIEW}),
}

# Roles whose accounts must use a second factor (TOTP).
TWO_FACTOR_ROLES = frozenset({ADMIN, SUPERVISOR})

_CACHE = "_lakthan_role_cache"

# Roles that other apps' records grant (the indicators app: its assignments), added by each app's
# AppConfig.ready so that core imports none of them. A source gives a person's (role, unit id) pairs.
_GRANT_SOURCES: list[Callable[[Person], Iterable[tuple[str, int]]]] = []


def add_grant_source(source: Callable[[Person], Iterable[tuple[str, int]]]) -> None:
    if source not in _GRANT_SOURCES:
        _GRANT_SOURCES.append(source)


def is_global_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def grants(user) -> list[tuple[str, int]]:
    """(role, unit id) pairs the user holds directly (before the tree is expanded)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE, None)
    if cached is not None and "grants" in cached:
        return cached["grants"]
    from lakthan.core.models import Person, RoleGrant

    found = set(RoleGrant.objects.filter(user=user).values_list("role", "unit_id"))
    person = Person.objects.filter(user=user).only("pk", "unit_id").first()
    if person is not None:
        found.add((MEMBER, person.unit_id))
        for source in _GRANT_SOURCES:
            found.update(source(person))
    result = sorted(found)
    _cache(user)["grants"] = result
    return result


def _cache(user) -> dict:
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = {}
        setattr(user, _CACHE, cached)
    return cached


def _expand(unit_ids: set[int]) -> set[int]:
    """The units and every unit below them (one query per level)."""
    from lakthan.core.models import Unit

    found, frontier = set(unit_ids), list(unit_ids)
    while frontier:
        frontier = [
            pk
            for pk in Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            if pk not in found
        ]
        found.update(frontier)
    return found


def scope(user, capability: str = VIEW) -> set[int] | None:
    """Unit ids where the user has the capability; None means every unit (administrators)."""
    if not user.is_authenticated:
        return set()
    if is_global_admin(user):
        return None
    cache = _cache(user)
    key = f"scope:{capability}"
    if key not in cache:
        roots = {unit_id for role, unit_id in grants(user) if capability in CAPABILITIES.get(role, ())}
        cache[key] = _expand(roots) if roots else set()
    return cache[key]


def can(user, capability: str, unit) -> bool:
    allowed = scope(user, capability)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return allowed is None or unit_id in allowed


def capabilities(user, unit) -> frozenset[str]:
    """Every capability the user has in the unit (for templates: which buttons to show)."""
    return frozenset(c for c in (VIEW, UPLOAD, LINK, EDIT_REPORT, DECIDE, SIGN, MANAGE) if can(user, c, unit))


def roles_of(user) -> set[str]:
    if is_global_admin(user):
        return {ADMIN}
    return {role for role, _ in grants(user)}


def needs_two_factor(user) -> bool:
    """Administrators and supervisors must sign in with a TOTP code as well as their password."""
    return bool(user.is_authenticated and roles_of(user) & TWO_FACTOR_ROLES)


def unit_filter(user, field: str = "unit", capability: str = VIEW) -> Q:
    """A Q limiting a queryset to the units the user may see (for ``<field>_id``)."""
    allowed = scope(user, capability)
    if allowed is None:
        return Q()
    return Q(**{f"{field}__in": allowed})
