from django.urls import path

from lakthan.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("coverage.png", views.coverage_chart, name="coverage-chart"),
    path("verify", views.verify_now, name="verify"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/review", views.review, name="review"),
    path("events/", views.events, name="events"),
]
