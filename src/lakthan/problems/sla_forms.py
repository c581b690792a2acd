"""Forms of the service-level pages: a target per severity, a work calendar to load. Both settings
apply to every unit, so they are for an administrator or a supervisor of a top-level unit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.core import roles
from lakthan.problems.services.sla import MAX_HOURS

MAX_CALENDAR_BYTES = 1024 * 1024
SEVERITIES = [(1, _("1 Critical")), (2, _("2 High")), (3, _("3 Medium")), (4, _("4 Low"))]


def may_manage(user) -> bool:
    """Staff, or an administrator or supervisor of a unit at the top of the tree (the targets and the
    calendar apply to the whole agency, not to one unit)."""
    if roles.is_global_admin(user):
        return True
    from lakthan.core.models import Unit

    held = {unit_id for role, unit_id in roles.grants(user) if role in (roles.ADMIN, roles.SUPERVISOR)}
    return bool(held) and Unit.objects.filter(pk__in=held, parent__isnull=True).exists()


class TargetForm(forms.Form):
    severity = forms.TypedChoiceField(label=_("Severity"), choices=SEVERITIES, coerce=int)
    hours = forms.IntegerField(label=_("Hours to fix"), min_value=1, max_value=MAX_HOURS)
    business_hours = forms.BooleanField(
        label=_("Count office hours on workdays only"), required=False, initial=False
    )


class CalendarForm(forms.Form):
    file = forms.FileField(
        label=_("Work calendar (YAML)"),
        help_text=_(
            "The shipped calendar with the cabinet's new holidays added; checked whole before it is used."
        ),
    )
