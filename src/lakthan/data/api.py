"""The app's API routes (listed in ROUTES), each part in its own module: datasets and their quality
rules; freshness."""

from __future__ import annotations

from lakthan.data import dataset_api, freshness_api

ROUTES: list = [*freshness_api.ROUTES, *dataset_api.ROUTES]
