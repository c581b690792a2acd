"""Which units a signed-in user may see: staff see every unit; anyone else their Person's unit and below."""

from __future__ import annotations

from django.http import Http404

from lakthan.core.errors import NotFound
from lakthan.core.models import Person, Unit
from lakthan.core.services import get_unit, unit_tree


def visible_unit_ids(user) -> set[int] | None:
    """None means every unit (staff); an empty set means none."""
    if user.is_staff or user.is_superuser:
        return None
    try:
        person = user.person
    except Person.DoesNotExist:
        return set()
    return person.unit.descendant_ids()


def visible_tree(user) -> list[tuple[int, Unit]]:
    """(depth, unit) in tree order, depth counted from the shallowest unit the user may see."""
    allowed = visible_unit_ids(user)
    rows = [(depth, unit) for depth, unit in unit_tree() if allowed is None or unit.pk in allowed]
    top = min((depth for depth, _ in rows), default=0)
    return [(depth - top, unit) for depth, unit in rows]


def unit_for(user, code: str) -> Unit:
    """The unit named by ``code`` if the user may see it; 404 otherwise, so other units' codes don't leak."""
    try:
        unit = get_unit(code)
    except NotFound:
        raise Http404(code) from None
    allowed = visible_unit_ids(user)
    if allowed is not None and unit.pk not in allowed:
        raise Http404(code)
    return unit
