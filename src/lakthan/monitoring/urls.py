from django.urls import path

from lakthan.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("coverage.png", views.coverage_chart, name="coverage-chart"),
    path("verify", views.start_job, {"kind": "verify"}, name="verify"),
    path("seal", views.start_job, {"kind": "seal"}, name="seal"),
    path("sources/add", views.source_add, name="source-add"),
    path("sources/<int:pk>/remove", views.source_remove, name="source-remove"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/review", views.review, name="review"),
    path("events/", views.events, name="events"),
]

from lakthan.monitoring import hunt_views  # noqa: E402  (retro-hunts)

urlpatterns += [
    path("hunts/", hunt_views.hunts, name="hunts"),
    path("hunts/start", hunt_views.start, name="hunt-start"),
    path("hunts/<int:pk>/", hunt_views.detail, name="hunt"),
]
