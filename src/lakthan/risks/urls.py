from django.urls import path  # noqa: F401

app_name = "risks"

urlpatterns: list = []

# --- drills and incidents (helper risks-drills)
from lakthan.risks import drill_views  # noqa: E402

urlpatterns += [
    path("drills/", drill_views.drill_list, name="drills"),
    path("drills/new", drill_views.drill_record, name="drill-record"),
    path("drills/report.pdf", drill_views.drill_report, name="drill-report"),
    path("drills/<int:pk>/", drill_views.drill_detail, name="drill"),
    path("drills/<int:pk>/update", drill_views.incident_update, name="incident-update"),
    path("alerts/<int:alert_id>/escalate", drill_views.escalate, name="escalate-alert"),
    path("alerts/<int:alert_id>/incident", drill_views.alert_incident, name="alert-incident"),
]
