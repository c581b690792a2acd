from django.urls import path

from lakthan.risks import continuity_views, heatmap_views

app_name = "risks"

urlpatterns: list = []

urlpatterns += [
    path("continuity/", continuity_views.targets, name="continuity-targets"),
    path("continuity/systems/<str:code>/edit/", continuity_views.target_edit, name="continuity-target-edit"),
    path("continuity/units/<str:code>/scenarios/", continuity_views.scenarios, name="continuity-scenarios"),
    path(
        "continuity/units/<str:code>/scenarios/load-default/",
        continuity_views.scenarios_load_default,
        name="continuity-scenarios-default",
    ),
    path(
        "continuity/units/<str:code>/scenarios/<str:kind>/edit/",
        continuity_views.scenario_edit,
        name="continuity-scenario-edit",
    ),
    path("continuity/units/<str:code>/plan/<int:fy>/", continuity_views.plan_page, name="continuity-plan"),
    path(
        "continuity/units/<str:code>/plan/<int:fy>/plan.<str:fmt>",
        continuity_views.plan_download,
        name="continuity-plan-download",
    ),
    path(
        "continuity/units/<str:code>/plan/<int:fy>/v<int:version>.<str:fmt>",
        continuity_views.approved_download,
        name="continuity-plan-approved",
    ),
    path("heatmap/", heatmap_views.heatmap, name="heatmap"),
    path("heatmap/<str:code>/trend.<str:fmt>", heatmap_views.trend_picture, name="trend-picture"),
    path("heatmap/<str:code>/<str:kind>.<str:fmt>", heatmap_views.heatmap_picture, name="heatmap-picture"),
]
