"""Forms for the inventory pages. They only shape the input; the services validate and save it."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit
from lakthan.inventory.models import System


def unit_choices(unit_ids: set[int] | None) -> list[tuple[str, str]]:
    units = Unit.objects.order_by("code")
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    return [(u.code, f"{u.code} {u.name_th}") for u in units]


class SystemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=80)
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    unit = forms.ChoiceField(label=_("Unit"))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    klass = forms.ChoiceField(label=_("Class"), choices=System.Klass.choices)
    criticality = forms.TypedChoiceField(
        label=_("Criticality"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)], initial=3
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    installed_at = forms.MultipleChoiceField(
        label=_("Installed at (units and checkpoints)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, unit_ids: set[int] | None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(unit_ids)
        self.fields["installed_at"].choices = unit_choices(unit_ids)
        people = Person.objects.select_related("unit")
        self.fields["owner"].queryset = people if unit_ids is None else people.filter(unit_id__in=unit_ids)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["active"]


class HostForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    unit = forms.ChoiceField(label=_("Unit"))
    addresses = forms.CharField(
        label=_("IP addresses (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    systems = forms.MultipleChoiceField(label=_("Systems it serves"), required=False)
    role = forms.CharField(label=_("Role"), max_length=120, required=False)

    def __init__(
        self, *args, unit_ids: set[int] | None, systems: list[System], editing: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(unit_ids)
        self.fields["systems"].choices = [(s.code, f"{s.code} {s.name_th}") for s in systems]
        if editing:
            del self.fields["name"]

    def clean_addresses(self) -> list[str]:
        return [a for a in re.split(r"[\s,]+", self.cleaned_data["addresses"]) if a]
