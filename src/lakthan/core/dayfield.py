"""Dates typed by a person: day/month/B.E. year (``04/12/2569``) in the Thai UI, ISO (``2026-12-04``)
in the English one; an ISO date is taken in either, since it cannot be misread.

``parse_day`` for views that read POST data themselves; ``DayField`` for a Django form;
``day_input_value`` (the template filter ``dayinput``) writes a date back into such an input. A time
is a day in that shape and a wall-clock time (``04/12/2569 09:30``, ``09.30`` as Thai write it),
Bangkok unless an offset is given: ``parse_typed_instant``, ``InstantField``, ``typed_instant``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from lakthan.core.errors import InvalidInput
from lakthan.lib import thai
from lakthan.lib.timezones import BANGKOK, parse_instant

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TYPED = re.compile(r"^(\S+)[ T](\d{1,2}[:.]\d{2}(?::\d{2})?)\s*(?:น\.)?\s*(Z|[+-]\d{2}:?\d{2})?$")
BE_YEARS_FROM = 2400  # a four-digit year from here on is a B.E. one


def thai_ui(language: str | None = None) -> bool:
    return (language or get_language() or "th").startswith("th")


def parse_day(text: str | None, label_th: str, label_en: str, language: str | None = None) -> date | None:
    """The day ``text`` names; None for an empty field; InvalidInput (Thai and English, with the
    shape expected) for anything else."""
    text = thai.arabic_digits(text or "").strip()
    if not text:
        return None
    try:
        if _ISO.match(text):
            day = date.fromisoformat(text)
            if day.year < BE_YEARS_FROM:  # 2569-12-04 is a B.E. year in an ISO shape: refused, not misread
                return day
        if thai_ui(language):
            return thai.parse_date_numeric(text)
    except ValueError:
        pass
    raise InvalidInput(
        f"{label_th}ไม่ถูกต้อง ({text}): ใช้ วัน/เดือน/ปี พ.ศ. เช่น 04/12/2569",
        f"{label_en} is not a date ({text}): use YYYY-MM-DD, e.g. 2026-12-04",
    )


def day_input_value(day: date | None, language: str | None = None) -> str:
    """What a date input shows: ``04/12/2569`` in the Thai UI, ``2026-12-04`` in the English one."""
    if day is None:
        return ""
    return thai.format_date_numeric(day) if thai_ui(language) else day.isoformat()


def placeholder(language: str | None = None) -> str:
    return "วว/ดด/ปปปป (พ.ศ.)" if thai_ui(language) else "YYYY-MM-DD"


class DayInput(forms.TextInput):
    """A text input (not type=date: the browser's picker shows C.E. years) in the UI's date shape."""

    def get_context(self, name, value, attrs):
        attrs = {"inputmode": "numeric", "placeholder": placeholder(), "autocomplete": "off", **(attrs or {})}
        return super().get_context(name, value, attrs)

    def format_value(self, value):
        return day_input_value(value) if isinstance(value, date) else super().format_value(value)


class DayField(forms.Field):
    widget = DayInput

    def __init__(self, *, label_th: str = "วันที่", label_en: str = "date", **kwargs):
        self.label_th, self.label_en = label_th, label_en
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, date):
            return value
        try:
            return parse_day(value, self.label_th, self.label_en)
        except InvalidInput as exc:
            raise ValidationError(exc.message(get_language() or "th")) from None


def set_choices(field: forms.Field, choices) -> None:
    """A choice field's choices, set when the form is made (they depend on the user)."""
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} has no choices")
    field.choices = choices


def parse_typed_instant(text: str | None, label_th: str, label_en: str) -> datetime | None:
    """None for an empty field; InvalidInput naming the field for anything that is not a time."""
    text = thai.arabic_digits(text or "").strip()
    if not text:
        return None
    m = _TYPED.match(text)
    try:
        if m:
            day = parse_day(m[1], label_th, label_en)
            if day is None:
                raise ValueError(text)
            hours, _, rest = m[2].replace(".", ":", 1).partition(":")
            return parse_instant(f"{day.isoformat()}T{int(hours):02d}:{rest}{m[3] or ''}")
        return parse_instant(text)
    except (ValueError, InvalidInput):
        raise InvalidInput(
            f"{label_th}ไม่ถูกต้อง ({text}): ใช้ วัน/เดือน/ปี พ.ศ. และเวลา เช่น 01/03/2569 21:00 (เวลาประเทศไทย) หรือ 21:00+07:00",
            f"{label_en} is not a time ({text}): use e.g. 2026-03-01 21:00 (Bangkok) or 2026-03-01T14:00Z",
        ) from None


def typed_instant(moment: datetime) -> str:
    """What a time input shows: ``05/12/2569 13:10`` in the Thai UI, ``2026-12-05 13:10`` in English."""
    local = moment.astimezone(BANGKOK)
    day = thai.format_date_numeric(local.date()) if thai_ui() else local.date().isoformat()
    return f"{day} {local:%H:%M}"


class InstantField(forms.Field):
    widget = forms.TextInput

    def __init__(self, *, label_th: str = "เวลา", label_en: str = "time", **kwargs):
        self.label_th, self.label_en = label_th, label_en
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "placeholder": f"{placeholder()} 09:30",
            "autocomplete": "off",
        }

    def to_python(self, value):
        if isinstance(value, datetime):
            return value
        try:
            return parse_typed_instant(value, self.label_th, self.label_en)
        except InvalidInput as exc:
            raise ValidationError(exc.message(get_language() or "th")) from None
