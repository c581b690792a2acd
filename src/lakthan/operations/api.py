"""The app's API routes (listed in ROUTES), each part in its own module."""

from __future__ import annotations

ROUTES: list = []

from lakthan.operations import site_api  # noqa: E402

ROUTES += site_api.ROUTES
