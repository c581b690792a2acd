from django.urls import path

from lakthan.operations import probe_views, site_views, usage_views, views

app_name = "operations"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("probes/add/", probe_views.probe_add, name="probe-add"),
    path("probes/<str:name>/", probe_views.probe_detail, name="probe"),
    path("probes/<str:name>/run/", probe_views.probe_run, name="probe-run"),
    path("probes/<str:name>/uptime.<str:fmt>", probe_views.probe_uptime, name="probe-uptime"),
    path("incidents/", probe_views.incidents, name="incidents"),
    path("availability/<str:code>/report.pdf", probe_views.availability_pdf, name="availability-pdf"),
    path("sites/", site_views.sites, name="sites"),
    path("sites/report.pdf", site_views.websites_pdf, name="websites-pdf"),
    path("sites/<str:name>/", site_views.site, name="site"),
    path("sites/<str:name>/check/", site_views.site_check, name="site-check"),
    path("usage/", usage_views.usage, name="usage"),
    path("usage/chart.png", usage_views.usage_png, name="usage-png"),
    path("usage/report.pdf", usage_views.usage_pdf, name="usage-pdf"),
]
