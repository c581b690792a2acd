"""The risk register and continuity records through the API (listed in ROUTES)."""

from __future__ import annotations

ROUTES: list = []

from lakthan.risks.continuity_api import ROUTES as CONTINUITY_ROUTES  # noqa: E402

ROUTES += CONTINUITY_ROUTES
from lakthan.risks.api_heatmap import HeatmapViewSet  # noqa: E402

ROUTES += [("risks/heatmap", HeatmapViewSet, "risk-heatmap")]
