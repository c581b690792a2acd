"""Domain errors become JSON with the message in both languages, never a 500."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler

from lakthan.core.errors import LakthanError, Locked, NotFound


def handler(exc, context):
    if isinstance(exc, LakthanError):
        status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Locked) else 400
        return Response({"detail": exc.message_en, "detail_th": exc.message_th}, status=status)
    return exception_handler(exc, context)
