"""`{{ seconds|duration_th }}`: a recovery target in the page's language — Thai words (and digits when
the UI shows them) in Thai, the short form (4h, 1h30m) in English."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import get_language

from lakthan.lib import thai
from lakthan.lib.durations import format_duration, format_duration_th

register = template.Library()


@register.filter
def duration_th(seconds: int | None) -> str:
    if not seconds:
        return "—"
    if (get_language() or "th").startswith("th"):
        return thai.digits(format_duration_th(seconds), thai=settings.LAKTHAN_THAI_DIGITS)
    return format_duration(seconds)
