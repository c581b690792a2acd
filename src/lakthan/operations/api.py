"""The app's API routes (listed in ROUTES), each part in its own module: probes and incidents,
websites, systems in use."""

from __future__ import annotations

from lakthan.operations import probe_api, site_api, usage_api

ROUTES: list = [*probe_api.ROUTES, *site_api.ROUTES, *usage_api.ROUTES]
