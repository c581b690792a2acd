"""Lakthan's own users as an identity source: the system that holds the evidence is itself a system
whose rights item 10 asks about. Read into the same snapshot as a directory, so the sync, its history
and the findings are those of every other source."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from lakthan.access.engines.entries import SourceAccount, SourceGroup, SourceSnapshot
from lakthan.access.models import Employee
from lakthan.core.models import Person, RoleGrant

ADMIN_GROUP = "admin"  # staff and superusers: administrators of every unit (lakthan.core.roles)


def user_key(pk: int) -> str:
    """An account's key is the user's id, so a renamed user is a change of name, not a new account."""
    return f"user:{pk}"


def person_name(person: Person) -> str:
    return f"{person.title_th}{person.first_name_th}  {person.last_name_th}".strip()


def read_lakthan_users() -> SourceSnapshot:
    """Every Django user: display name from their core.Person, disabled = not active, last login,
    joined as created, groups = the roles they hold (``role@UNIT``, and ``admin`` for staff and
    superusers), employee id = that of the HR employee linked to their Person."""
    users = list(get_user_model().objects.order_by("pk"))
    people = {p.user_id: p for p in Person.objects.filter(user__isnull=False)}
    employee_of_person = dict(
        Employee.objects.filter(person__isnull=False).values_list("person_id", "employee_id")
    )
    roles: dict[int, set[str]] = {}
    for user_id, role, unit in RoleGrant.objects.values_list("user_id", "role", "unit__code"):
        roles.setdefault(user_id, set()).add(f"{role}@{unit}")
    accounts = []
    for user in users:
        person = people.get(user.pk)
        groups = set(roles.get(user.pk, ()))
        if user.is_staff or user.is_superuser:
            groups.add(ADMIN_GROUP)
        accounts.append(
            SourceAccount(
                key=user_key(user.pk),
                username=user.get_username(),
                display_name=person_name(person) if person else user.get_full_name(),
                employee_id=employee_of_person.get(person.pk, "") if person else "",
                disabled=not user.is_active,
                last_login=user.last_login,
                created=user.date_joined,
                groups=tuple(sorted(groups)),
            )
        )
    names = {g for a in accounts for g in a.groups}
    return SourceSnapshot(
        accounts=tuple(accounts),
        groups=tuple(SourceGroup(key=name, name=name) for name in sorted(names)),
        tracks_login=True,  # Django records every sign-in; none means never
    )
