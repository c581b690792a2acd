"""The app's API routes (listed in ROUTES), each part in its own module."""

from __future__ import annotations

ROUTES: list = []

from lakthan.problems import sla_api  # noqa: E402

ROUTES += sla_api.ROUTES
