"""What every app's API endpoints share: the role check, numeric query parameters, the id pattern.

Every queryset is limited to the units the caller may see (lakthan.core.roles), every change asks for
the capability it needs, and every change goes through the domain services."""

from __future__ import annotations

from rest_framework.exceptions import NotFound, PermissionDenied

from lakthan.core import roles

MAX_ID = 2**62  # larger numbers cannot be row ids (and overflow SQLite's INTEGER)
ID = "[0-9]{1,18}"  # lookup_value_regex of every viewset looked up by id


def require(request, capability: str, unit) -> None:
    """404 when the caller may not see the unit (so other units do not leak), 403 without ``capability``."""
    if not roles.can(request.user, roles.VIEW, unit):
        raise NotFound()
    if not roles.can(request.user, capability, unit):
        raise PermissionDenied(f"your role in {unit.code} does not allow '{capability}'")


def int_param(request, name: str) -> int | None:
    """The query parameter ``name`` as a row-id-sized number, None when absent; 404 otherwise."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise NotFound(f"{name} must be a number") from None
    if not 0 <= number <= MAX_ID:
        raise NotFound(f"{name} is out of range")
    return number
