"""The app's API routes (listed in ROUTES), each part in its own module: the plan, the register and
the readings; the findings."""

from __future__ import annotations

from lakthan.network import findings_api, register_api

ROUTES: list = [*register_api.ROUTES, *findings_api.ROUTES]
