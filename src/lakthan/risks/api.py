"""The risk register and continuity records through the API (listed in ROUTES)."""

from __future__ import annotations

ROUTES: list = []

from lakthan.risks.api_register import ROUTES as REGISTER_ROUTES  # noqa: E402

ROUTES += REGISTER_ROUTES
