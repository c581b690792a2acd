from django.urls import path

from lakthan.problems import problem_views, sla_views

app_name = "problems"

urlpatterns: list = [
    path("", problem_views.index, name="index"),
    path("add/", problem_views.add, name="add"),
    path("<int:pk>/", problem_views.problem_detail, name="problem"),
    path("<int:pk>/form.pdf", problem_views.problem_form_pdf, name="problem-pdf"),
    path("<int:pk>/<str:action>/", problem_views.problem_action, name="problem-action"),
    path("owners/", problem_views.owners_page, name="owners"),
    path("owners/<int:pk>/remove/", problem_views.owner_remove, name="owner-remove"),
    path("sla/", sla_views.sla, name="sla"),
    path("sla/set/", sla_views.sla_set, name="sla-set"),
    path("sla/report.pdf", sla_views.sla_pdf, name="sla-pdf"),
    path("calendar/", sla_views.calendar, name="calendar"),
    path("calendar/load/", sla_views.calendar_load, name="calendar-load"),
]
