app_name = "data"

urlpatterns: list = []

# freshness (helper datafresh)
from django.urls import path  # noqa: E402

from lakthan.data import freshness_views  # noqa: E402

urlpatterns += [
    path("", freshness_views.index, name="index"),
    path("freshness/report.pdf", freshness_views.freshness_pdf, name="freshness-pdf"),
    path("freshness/picture.<str:fmt>", freshness_views.freshness_picture, name="freshness-png"),
]
