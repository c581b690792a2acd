app_name = "operations"

urlpatterns: list = []

from django.urls import path  # noqa: E402

from lakthan.operations import usage_views  # noqa: E402

urlpatterns += [
    path("usage/", usage_views.usage, name="usage"),
    path("usage/chart.png", usage_views.usage_png, name="usage-png"),
    path("usage/report.pdf", usage_views.usage_pdf, name="usage-pdf"),
]
