"""The risk register and continuity records through the API (listed in ROUTES), each part in its own
module: the register, the heat map, continuity targets, scenarios and plans, drills and incidents."""

from __future__ import annotations

from lakthan.risks.api_heatmap import HeatmapViewSet
from lakthan.risks.api_register import ROUTES as REGISTER_ROUTES
from lakthan.risks.continuity_api import ROUTES as CONTINUITY_ROUTES
from lakthan.risks.drill_api import ROUTES as DRILL_ROUTES

# the heat map before the register: /risks/heatmap/ would otherwise read as the risk with ref "heatmap"
ROUTES: list = [
    ("risks/heatmap", HeatmapViewSet, "risk-heatmap"),
    *REGISTER_ROUTES,
    *CONTINUITY_ROUTES,
    *DRILL_ROUTES,
]
