"""Filters of the service-level pages: a span of seconds as hours and minutes, an ISO-8601 instant
(as the summary gives it) as a datetime for the thai date filters."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lakthan.lib.thai import digits
from lakthan.lib.timezones import parse_instant

register = template.Library()


def thai_mode() -> bool:
    # as web's thai filters: Thai digits in the Thai UI while the agency has not turned them off
    return (get_language() or "").startswith("th") and bool(settings.LAKTHAN_THAI_DIGITS)


@register.filter
def fixhours(seconds: int | None) -> str:
    """``12600`` → ``'3 ชม. 30 นาที'`` / ``'3 h 30 min'`` (no days: business time has none)."""
    if seconds is None:
        return "–"
    hours, minutes = divmod(int(seconds) // 60, 60)
    if minutes == 0:
        text = _("%(hours)s h") % {"hours": f"{hours:,}"}
    else:
        text = _("%(hours)s h %(minutes)s min") % {"hours": f"{hours:,}", "minutes": minutes}
    return digits(text, thai=thai_mode())


@register.filter
def isotime(text: str | None) -> datetime | None:
    return parse_instant(text) if text else None
