"""The app's API routes (listed in ROUTES), each part in its own module."""

from __future__ import annotations

ROUTES: list = []

from lakthan.operations import probe_api  # noqa: E402

ROUTES += probe_api.ROUTES
