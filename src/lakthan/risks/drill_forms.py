"""Forms of the drill pages. Times are typed as a day in the UI's date shape (``01/03/2569`` in Thai,
``2026-03-01``) and a clock time, with an offset or read in Asia/Bangkok (``21:00``,
``14:00Z``, ``21:00+07:00``); a full ISO-8601 instant is taken too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.core.dayfield import InstantField
from lakthan.risks.models import Drill, Scenario


class DrillForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Drill.Kind.choices)
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.Kind.choices)
    title = forms.CharField(label=_("Drill or incident title"), max_length=255, required=False)
    systems = forms.MultipleChoiceField(label=_("Systems"), widget=forms.CheckboxSelectMultiple)
    started = InstantField(label=_("Started"), label_th="เวลาเริ่ม", label_en="started")
    restored = InstantField(label=_("Restored"), label_th="เวลากู้คืน", label_en="restored")
    people = forms.CharField(
        label=_("People who took part"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, units: list[tuple[str, str]], systems: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        unit, chosen = self.fields["unit"], self.fields["systems"]
        assert isinstance(unit, forms.ChoiceField) and isinstance(chosen, forms.MultipleChoiceField)
        unit.choices, chosen.choices = units, systems


class IncidentUpdateForm(forms.Form):
    contained = InstantField(
        label=_("Contained"), label_th="เวลาควบคุมได้", label_en="contained", required=False
    )
    restored = InstantField(label=_("Restored"), label_th="เวลากู้คืน", label_en="restored", required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
