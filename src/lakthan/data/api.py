"""The app's API routes (listed in ROUTES), each part in its own module."""

from __future__ import annotations

ROUTES: list = []

from lakthan.data import freshness_api  # noqa: E402

ROUTES += freshness_api.ROUTES

from lakthan.data import dataset_api  # noqa: E402

ROUTES += dataset_api.ROUTES
