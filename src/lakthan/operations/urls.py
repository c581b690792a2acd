app_name = "operations"

urlpatterns: list = []

from django.urls import path  # noqa: E402

from lakthan.operations import probe_views, views  # noqa: E402

urlpatterns += [
    path("", views.index, name="index"),
    path("probes/add/", probe_views.probe_add, name="probe-add"),
    path("probes/<str:name>/", probe_views.probe_detail, name="probe"),
    path("probes/<str:name>/run/", probe_views.probe_run, name="probe-run"),
    path("probes/<str:name>/uptime.<str:fmt>", probe_views.probe_uptime, name="probe-uptime"),
    path("incidents/", probe_views.incidents, name="incidents"),
    path("availability/<str:code>/report.pdf", probe_views.availability_pdf, name="availability-pdf"),
]
