from importlib import import_module
from importlib.util import find_spec

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from lakthan.api import docs

# Every domain app may bring its endpoints: `<app>/api.py` lists them in ROUTES as
# (prefix, viewset, basename); they are registered here in app order.
API_APPS = (
    "core",
    "inventory",
    "indicators",
    "evidence",
    "checks",
    "reports",
    "backups",
    "monitoring",
    "access",
    "risks",
    "network",
    "operations",
    "data",
    "problems",
    "committees",
)

router = DefaultRouter()

for _app in API_APPS:
    if find_spec(f"lakthan.{_app}") is not None and find_spec(f"lakthan.{_app}.api") is not None:
        for _prefix, _viewset, _basename in import_module(f"lakthan.{_app}.api").ROUTES:
            router.register(_prefix, _viewset, basename=_basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs.api_docs, name="api-docs"),
    *router.urls,
]
