"""Which units a signed-in user may see and change: the role rules of lakthan.core.roles, for views
and API endpoints of every app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lakthan.core import roles
from lakthan.core.errors import NotFound
from lakthan.core.models import Unit
from lakthan.core.services import get_unit, unit_tree


def visible_unit_ids(user) -> set[int] | None:
    """None means every unit (administrators); an empty set means none."""
    return roles.scope(user, roles.VIEW)


def visible_tree(user) -> list[tuple[int, Unit]]:
    """(depth, unit) in tree order, depth counted from the shallowest unit the user may see."""
    allowed = visible_unit_ids(user)
    rows = [(depth, unit) for depth, unit in unit_tree() if allowed is None or unit.pk in allowed]
    top = min((depth for depth, _ in rows), default=0)
    return [(depth - top, unit) for depth, unit in rows]


def unit_for(user, code: str, capability: str = roles.VIEW) -> Unit:
    """The unit named by ``code`` if the user may see it (404 otherwise, so other units' codes don't
    leak) and has ``capability`` there (403 otherwise)."""
    try:
        unit = get_unit(code)
    except NotFound:
        raise Http404(code) from None
    require(user, capability, unit)
    return unit


def require(user, capability: str, unit: Unit) -> None:
    if not roles.can(user, roles.VIEW, unit):
        raise Http404(unit.code)
    if not roles.can(user, capability, unit):
        raise PermissionDenied(capability)
