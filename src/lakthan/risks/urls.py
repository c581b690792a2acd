from django.urls import path

from lakthan.risks import continuity_views, drill_views, heatmap_views, risk_views, views

app_name = "risks"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("levels.css", views.level_styles, name="level-styles"),
    path("register/add/", risk_views.risk_add, name="risk-add"),
    path("register/import/", risk_views.register_upload, name="register-upload"),
    path("register/export.xlsx", risk_views.register_download, name="register-download"),
    # an agency's own refs may hold a slash (IT-01/2569): the longer patterns first
    path("register/<path:ref>/edit/", risk_views.risk_edit, name="risk-edit"),
    path("register/<path:ref>/accept/", risk_views.risk_accept, name="risk-accept"),
    path("register/<path:ref>/", risk_views.risk_detail, name="risk"),
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
    path("drills/", drill_views.drill_list, name="drills"),
    path("drills/new", drill_views.drill_record, name="drill-record"),
    path("drills/report.pdf", drill_views.drill_report, name="drill-report"),
    path("drills/<int:pk>/", drill_views.drill_detail, name="drill"),
    path("drills/<int:pk>/update", drill_views.incident_update, name="incident-update"),
    path("alerts/<int:alert_id>/escalate", drill_views.escalate, name="escalate-alert"),
    path("alerts/<int:alert_id>/incident", drill_views.alert_incident, name="alert-incident"),
]
