"""What the pages of every app share: a user's mistake shown as a page in their language."""

from __future__ import annotations

import functools

from django.shortcuts import render
from django.utils.translation import get_language

from lakthan.core.errors import LakthanError, NotFound


def error_page(request, message: str, status: int):
    """The shell's error page (web/error.html) with ``message``."""
    return render(request, "web/error.html", {"message": message}, status=status)


def shows_domain_errors(view):
    """A user's mistake or a missing thing becomes a page with the message in their language, not a traceback."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LakthanError as exc:
            return error_page(
                request, exc.message(get_language() or "th"), 404 if isinstance(exc, NotFound) else 400
            )

    return wrapper
