"""``{{ seconds|duration_th }}``: a recovery time in Thai words in the Thai UI (``4 ชั่วโมง 30 นาที``,
Thai digits as the agency set them), ``4h30m`` in the English one; empty for None."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import get_language

from lakthan.lib.durations import format_duration, format_duration_th
from lakthan.lib.thai import digits

register = template.Library()


@register.filter
def duration_th(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if (get_language() or "th").startswith("th"):
        return digits(format_duration_th(seconds), thai=settings.LAKTHAN_THAI_DIGITS)
    return format_duration(seconds)
