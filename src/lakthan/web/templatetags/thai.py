"""Numbers and dates for the active language: Thai digits and B.E. years in Thai, Arabic and C.E. in English.

{% load thai %}
{{ score.weighted_score|number:2 }}   ๐.๑๕ / 0.15
{{ evidence.doc_date|thaidate }}      ๑๑ ก.ค. ๒๕๕๖ / 11 Jul 2013
{{ "ข้อ 9.2"|digits }}                ข้อ ๙.๒ / ข้อ 9.2
{{ total|grouped }}                   ๑๒,๓๔๕ / 12,345
{{ evidence.doc_date|dayinput }}      11/07/2556 / 2013-07-11 (a date input's value)
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.conf import settings
from django.utils.translation import get_language

from lakthan.core import labels
from lakthan.core.dayfield import day_input_value
from lakthan.core.dayfield import placeholder as day_placeholder
from lakthan.lib import thai

register = template.Library()


def thai_mode() -> bool:
    """Thai digits only in the Thai UI, and only while the agency has not turned them off."""
    return (get_language() or "").startswith("th") and settings.LAKTHAN_THAI_DIGITS


@register.filter
def digits(value: object) -> str:
    if value is None:
        return ""
    return thai.digits(value, thai=thai_mode())


@register.filter
def number(value: object, places: int | None = None) -> str:
    """A Decimal/int in the active script with thousands separators (``34,385``); ``places`` rounds
    half-up (the project's rule), without it trailing zeros go (a weight of 3.00 reads 3)."""
    if value is None or value == "":
        return ""
    if places in (None, ""):
        return thai.format_number(thai.to_decimal(value).normalize(), thai=thai_mode(), grouping=True)
    return thai.format_number(value, thai=thai_mode(), places=int(places), grouping=True)


@register.filter
def grouped(value: object) -> str:
    """A count with thousands separators in the active script: ``12,345`` / ``๑๒,๓๔๕``."""
    if value is None or value == "":
        return ""
    return thai.format_number(value, thai=thai_mode(), grouping=True)


@register.filter
def dayinput(value: date | None) -> str:
    """A date as a date input shows it: ``04/12/2569`` (B.E.) in Thai, ``2026-12-04`` in English."""
    return day_input_value(value)


@register.simple_tag
def dayplaceholder() -> str:
    return day_placeholder()


@register.filter
def label(code: str, kind: str) -> str:
    """``{{ a.level|label:"severity" }}``, ``{{ role|label:"role" }}``: a code's name in the UI's language."""
    return labels.label(kind, code)


def _is_thai() -> bool:
    return (get_language() or "").startswith("th")


@register.filter
def thaidate(value: date | datetime | None, style: str = "short") -> str:
    if not value:
        return ""
    if _is_thai():
        return thai.format_date(value, style=style, thai_digits=thai_mode())
    return thai.format_date_en(value, style=style)


@register.filter
def thaidatetime(value: datetime | None, style: str = "short") -> str:
    if not value:
        return ""
    if _is_thai():
        return thai.format_datetime(value, style=style, thai_digits=thai_mode())
    return thai.format_datetime_en(value, style=style)


@register.filter
def local(obj: object, field: str) -> str:
    """``{{ unit|local:"name" }}``: name_en in the English UI when it is filled in, else name_th;
    digits in the active script either way."""
    thai_value = getattr(obj, f"{field}_th", "") or ""
    text = thai_value if _is_thai() else (getattr(obj, f"{field}_en", "") or thai_value)
    return digits(text)
