"""The risk register and continuity records through the API (listed in ROUTES)."""

from __future__ import annotations

ROUTES: list = []

# --- drills and incidents (helper risks-drills)
from lakthan.risks.drill_api import ROUTES as DRILL_ROUTES  # noqa: E402

ROUTES += DRILL_ROUTES
