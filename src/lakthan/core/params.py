"""Query parameters read once, checked, and a 400 (never a 500) for a value out of its range.

Django answers ``BadRequest`` with 400 through the application's own error page."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import BadRequest

from lakthan.core.dayfield import parse_day
from lakthan.core.errors import InvalidInput

FISCAL_YEARS = (2400, 2800)  # B.E.: the years the indicator libraries can describe


def integer(request, name: str, low: int, high: int) -> int | None:
    """``?name=`` as an integer in [low, high]; None when absent or empty."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be from {low} to {high}")
    return value


def text(request, name: str, max_length: int) -> str:
    """``?name=`` as searched text, stripped and cut at ``max_length``; a control character (a NUL,
    which PostgreSQL cannot hold in text, among them) is a 400."""
    raw = request.GET.get(name, "").strip()[:max_length]
    if any(ord(c) < 32 and c not in "\t" for c in raw):
        raise BadRequest(f"{name} must not contain control characters")
    return raw


def fiscal_year(request) -> int | None:
    """``?fy=``: a fiscal year in the Buddhist era."""
    return integer(request, "fy", *FISCAL_YEARS)


def day(request, name: str) -> date | None:
    """``?name=`` as a person types it in the UI's date inputs (``04/12/2569`` in Thai) or ISO
    (``2026-12-04``, as links carry it); None when absent or empty."""
    try:
        return parse_day(request.GET.get(name, ""), name, name)
    except InvalidInput as exc:
        raise BadRequest(exc.message_en) from None
