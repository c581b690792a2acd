"""One line for a refused request: Django logs a PermissionDenied with its traceback (at WARNING, so it
reaches the console), and a refusal is a user's everyday mistake, not the program's fault."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class OneLineForbidden(logging.Filter):
    """On the `django.request` logger: a 403 from PermissionDenied becomes
    ``Forbidden: METHOD PATH user=NAME reason=CAPABILITY``, without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        request = getattr(record, "request", None)
        if not isinstance(exc, PermissionDenied) or request is None:
            return True
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        record.msg = "Forbidden: %s %s user=%s reason=%s"
        record.args = tuple(
            value.encode("unicode_escape").decode("ascii")  # as Django escapes the path: one line, always
            for value in (request.method, request.path, name, str(exc) or "-")
        )
        record.exc_info = None
        record.exc_text = None
        return True
