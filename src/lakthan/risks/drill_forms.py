"""Forms of the drill pages. Times are typed as a day in the UI's date shape (``01/03/2569`` in Thai,
``2026-03-01``) and a clock time, with an offset or read in Asia/Bangkok (``21:00``,
``14:00Z``, ``21:00+07:00``); a full ISO-8601 instant is taken too."""

from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lakthan.core.dayfield import parse_day, placeholder
from lakthan.core.errors import InvalidInput
from lakthan.lib import thai
from lakthan.lib.timezones import parse_instant
from lakthan.risks.models import Drill, Scenario

_TYPED = re.compile(r"^(\S+)[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_typed_instant(text: str | None, label_th: str, label_en: str) -> datetime | None:
    """None for an empty field; InvalidInput naming the field for anything that is not a time."""
    text = thai.arabic_digits(text or "").strip()
    if not text:
        return None
    m = _TYPED.match(text)
    try:
        if m:
            day = parse_day(m[1], label_th, label_en)
            assert day is not None
            hours, _, rest = m[2].partition(":")
            return parse_instant(f"{day.isoformat()}T{int(hours):02d}:{rest}{m[3] or ''}")
        return parse_instant(text)
    except (ValueError, InvalidInput):
        raise InvalidInput(
            f"{label_th}ไม่ถูกต้อง ({text}): ใช้ วัน/เดือน/ปี พ.ศ. และเวลา เช่น 01/03/2569 21:00 (เวลาประเทศไทย) หรือ 21:00+07:00",
            f"{label_en} is not a time ({text}): use e.g. 2026-03-01 21:00 (Bangkok) or 2026-03-01T14:00Z",
        ) from None


class InstantField(forms.Field):
    widget = forms.TextInput

    def __init__(self, *, label_th: str, label_en: str, **kwargs):
        self.label_th, self.label_en = label_th, label_en
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "placeholder": f"{placeholder()} 21:00",
            "autocomplete": "off",
        }

    def to_python(self, value):
        if isinstance(value, datetime):
            return value
        try:
            return parse_typed_instant(value, self.label_th, self.label_en)
        except InvalidInput as exc:
            raise ValidationError(exc.message(get_language() or "th")) from None


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
