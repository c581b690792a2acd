"""What every app's API endpoints share: the role check, numeric query parameters, the id pattern.

Every queryset is limited to the units the caller may see (lakthan.core.roles), every change asks for
the capability it needs, and every change goes through the domain services."""

from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from lakthan.core import roles

MAX_ID = 2**62  # larger numbers cannot be row ids (and overflow SQLite's INTEGER)
ID = "[0-9]{1,18}"  # lookup_value_regex of every viewset looked up by id


def require(request, capability: str, unit) -> None:
    """404 when the caller may not see the unit (so other units do not leak), 403 without ``capability``."""
    if not roles.can(request.user, roles.VIEW, unit):
        raise NotFound()
    if not roles.can(request.user, capability, unit):
        raise PermissionDenied(f"your role in {unit.code} does not allow '{capability}'")


def require_verified_session(request, act_en: str, act_th: str) -> None:
    """Signing and reopening are a person's acts: refused to an API token (any key could be a
    script's), allowed to a browser session once its TOTP code is verified."""
    if request.auth is not None:  # only token authentication sets request.auth
        raise PermissionDenied(
            {
                "detail": f"{act_en} needs a browser session verified with your TOTP code, not an API token",
                "detail_th": f"{act_th}ต้องทำผ่านเบราว์เซอร์ที่ยืนยันรหัส TOTP แล้ว ใช้โทเค็น API ไม่ได้",
            }
        )
    is_verified = getattr(request._request.user, "is_verified", lambda: False)
    if settings.LAKTHAN_REQUIRE_2FA and not is_verified():
        raise PermissionDenied(
            {
                "detail": f"{act_en} needs a session verified with your TOTP code: sign in again with the code",
                "detail_th": f"{act_th}ต้องยืนยันรหัส TOTP ก่อน: ลงชื่อเข้าใช้ใหม่พร้อมรหัส",
            }
        )


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


def visible_person(user, person_id: int | None, field: str = "owner"):
    """The person, among the people of the units the caller may see (others' ids do not leak: an
    unseen one reads as absent); None for None."""
    from lakthan.core.models import Person

    if person_id is None:
        return None
    person = Person.objects.filter(roles.unit_filter(user), pk=person_id).first()
    if person is None:
        raise ValidationError({field: f"no person {person_id}"})
    return person
