from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from lakthan.api import docs, views

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("reports", views.ReportViewSet, basename="report")
router.register("results", views.ResultViewSet, basename="result")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("checks", views.CheckRunViewSet, basename="check")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs.api_docs, name="api-docs"),
    *router.urls,
]
