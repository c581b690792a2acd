"""Organisation services: units, people, and who is responsible for which indicator."""

from __future__ import annotations

import re

from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.lib.text import clean_line
from lakthan.lib.tree import depth_first

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def get_unit(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise NotFound(f"ไม่พบหน่วยงานรหัส {code}", f"no unit with code {code}") from None


@transaction.atomic
def add_unit(
    code: str,
    name_th: str,
    *,
    name_en: str = "",
    parent: str | None = None,
    kind: str | None = None,
    abbreviation_th: str = "",
    actor: str = audit.SYSTEM,
) -> Unit:
    if not CODE_RE.match(code or ""):
        raise InvalidInput(
            f"รหัสหน่วยงาน '{code}' ไม่ถูกต้อง (ตัวอักษรอังกฤษ ตัวเลข . _ - ไม่เกิน ๔๐ ตัว)",
            f"unit code '{code}' is invalid (letters, digits, . _ -, at most 40)",
        )
    name_th, name_en, abbreviation_th = clean_line(name_th), clean_line(name_en), clean_line(abbreviation_th)
    if not name_th:
        raise InvalidInput("ต้องระบุชื่อหน่วยงานภาษาไทย", "the Thai name of the unit is required")
    if Unit.objects.filter(code=code).exists():
        raise InvalidInput(f"มีหน่วยงานรหัส {code} อยู่แล้ว", f"a unit with code {code} already exists")
    parent_unit = get_unit(parent) if parent else None
    if kind is None:
        kind = _default_kind(parent_unit)
    if kind not in Unit.Kind.values:
        raise InvalidInput(
            f"ประเภทหน่วยงาน '{kind}' ไม่ถูกต้อง", f"unknown unit kind '{kind}' ({', '.join(Unit.Kind.values)})"
        )
    unit = Unit.objects.create(
        code=code,
        name_th=name_th,
        name_en=name_en,
        parent=parent_unit,
        kind=kind,
        abbreviation_th=abbreviation_th,
    )
    audit.record(actor, "unit.add", unit)
    return unit


def _default_kind(parent: Unit | None) -> str:
    if parent is None:
        return Unit.Kind.BUREAU
    return Unit.Kind.DIVISION if parent.kind == Unit.Kind.BUREAU else Unit.Kind.SUBDIVISION


def unit_tree() -> list[tuple[int, Unit]]:
    """Every unit with its depth, parents before children, siblings by code."""
    return depth_first(Unit.objects.all(), lambda u: u.pk, lambda u: u.parent_id, lambda u: u.code)


@transaction.atomic
def add_person(
    unit: Unit,
    first_name_th: str,
    last_name_th: str,
    *,
    title_th: str = "",
    position_th: str = "",
    phone: str = "",
    email: str = "",
    name_en: str = "",
    user=None,
    actor: str = audit.SYSTEM,
) -> Person:
    first_name_th, last_name_th = clean_line(first_name_th), clean_line(last_name_th)
    if not first_name_th or not last_name_th:
        raise InvalidInput("ต้องระบุชื่อและนามสกุล", "first and last name are required")
    person = Person.objects.create(
        unit=unit,
        first_name_th=first_name_th,
        last_name_th=last_name_th,
        title_th=clean_line(title_th),
        position_th=clean_line(position_th),
        phone=clean_line(phone),
        email=clean_line(email),
        name_en=clean_line(name_en),
        user=user,
    )
    audit.record(actor, "person.add", person)
    return person


@transaction.atomic
def set_unit_head(unit: Unit, person: Person | None, *, actor: str = audit.SYSTEM) -> Unit:
    """Names (or, with None, clears) the head of ``unit``; the head need not belong to the unit itself
    (a division's commander may sit in the bureau)."""
    before = audit.snapshot(unit)
    unit.head = person
    unit.save(update_fields=["head"])
    audit.record(actor, "unit.set_head", unit, before)
    return unit


def get_person(person_id: int | str) -> Person:
    try:
        return Person.objects.get(pk=int(person_id))
    except (ValueError, TypeError, Person.DoesNotExist):
        raise NotFound(f"ไม่พบบุคคลหมายเลข {person_id}", f"no person with id {person_id}") from None


def actor_name(user) -> str:
    """The name an audit entry records for a signed-in user (``system`` for nobody)."""
    return user.get_username() if user is not None and user.is_authenticated else audit.SYSTEM


def person_of(user) -> Person:
    """The person a user account stands for; signing needs one."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise InvalidInput(
            "บัญชีนี้ยังไม่ผูกกับบุคคลในหน่วยงาน จึงลงนามไม่ได้",
            "this account is not linked to a person of the unit, so it cannot sign",
        )
    return person


# --- accounts -------------------------------------------------------------------------------------

PASSWORD_RULES_TH = {
    "password_too_short": "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย {min_length} ตัวอักษร",
    "password_too_common": "รหัสผ่านนี้ใช้กันทั่วไปเกินไป",
    "password_too_similar": "รหัสผ่านคล้ายกับชื่อบัญชีหรืออีเมลเกินไป",
    "password_entirely_numeric": "รหัสผ่านเป็นตัวเลขล้วน",
}


def check_new_username(username: str) -> None:
    """A name Django accepts for an account, not taken yet."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    users = get_user_model()
    try:
        if not username or len(username) > 150:
            raise ValidationError("length")
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvalidInput(
            f"ชื่อบัญชี '{username}' ไม่ถูกต้อง (ตัวอักษร ตัวเลข และ @ . + - _ ไม่เกิน ๑๕๐ ตัว)",
            f"user name '{username}' is invalid (letters, digits and @ . + - _, at most 150)",
        ) from None
    if users.objects.filter(username=username).exists():
        raise InvalidInput(f"มีบัญชีชื่อ {username} อยู่แล้ว", f"a user named {username} already exists")


def _check_password(password: str, user) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), their reasons in both languages."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from lakthan.lib.thai import thai_digits

    try:
        with translation.override("en"):  # English from Django; the Thai from PASSWORD_RULES_TH
            password_validation.validate_password(password, user)
    except ValidationError as exc:
        english, thai = [], []
        for error in exc.error_list:
            english.append(" ".join(error.messages))
            rule = PASSWORD_RULES_TH.get(error.code or "")
            thai.append(thai_digits(rule.format(**(error.params or {}))) if rule else english[-1])
        raise InvalidInput(
            "รหัสผ่านไม่ผ่านเกณฑ์: " + "; ".join(thai), "the password is too weak: " + " ".join(english)
        ) from None


def create_administrator(
    username: str, password: str, *, email: str = "", unit: str | None = None, actor: str = audit.SYSTEM
):
    """An administrator account: of every unit (a superuser, who may also use /admin/), or with ``unit``
    of that unit and the units below it (a role grant). Checked whole before anything is written; the
    account and its grant are audited like an administrator's acts in the admin site."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from lakthan.core.models import RoleGrant

    users = get_user_model()
    check_new_username(username)
    email = clean_line(email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(f"อีเมล '{email}' ไม่ถูกต้อง", f"'{email}' is not an e-mail address") from None
    where = get_unit(unit) if unit else None
    _check_password(password, users(username=username, email=email))
    with transaction.atomic():
        check_new_username(username)  # again, inside the transaction that creates it
        if where is None:
            user = users.objects.create_superuser(username, email, password)
        else:
            user = users.objects.create_user(username, email, password)
        audit.record(actor, "user.admin_add", user)
        if where is not None:
            grant = RoleGrant.objects.create(user=user, unit=where, role=RoleGrant.Role.ADMIN)
            audit.record(actor, "rolegrant.admin_add", grant)
    return user
