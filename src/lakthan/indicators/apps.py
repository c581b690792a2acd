from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from lakthan.core.models import Person


class IndicatorsConfig(AppConfig):
    name = "lakthan.indicators"
    label = "indicators"

    def ready(self) -> None:
        from lakthan.core import roles

        roles.add_grant_source(assignment_roles)


def assignment_roles(person: Person) -> Iterable[tuple[str, int]]:
    """A person named supervisor or data collector of an indicator in a unit holds that role there."""
    from lakthan.indicators.models import Assignment

    return Assignment.objects.filter(person=person).values_list("role", "unit_id").distinct()
