"""The app's API routes (listed in ROUTES), each part in its own module: the problem log and its
owners; the service levels and the work calendar."""

from __future__ import annotations

from lakthan.problems import problem_api, sla_api

ROUTES: list = [*sla_api.ROUTES, *problem_api.ROUTES]
