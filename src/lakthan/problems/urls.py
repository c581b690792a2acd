app_name = "problems"

urlpatterns: list = []

from django.urls import path  # noqa: E402

from lakthan.problems import sla_views  # noqa: E402

urlpatterns += [
    path("sla/", sla_views.sla, name="sla"),
    path("sla/set/", sla_views.sla_set, name="sla-set"),
    path("sla/report.pdf", sla_views.sla_pdf, name="sla-pdf"),
    path("calendar/", sla_views.calendar, name="calendar"),
    path("calendar/load/", sla_views.calendar_load, name="calendar-load"),
]
