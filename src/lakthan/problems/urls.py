app_name = "problems"

urlpatterns: list = []

from django.urls import path  # noqa: E402

from lakthan.problems import problem_views  # noqa: E402

urlpatterns += [
    path("", problem_views.index, name="index"),
    path("add/", problem_views.add, name="add"),
    path("<int:pk>/", problem_views.problem_detail, name="problem"),
    path("<int:pk>/form.pdf", problem_views.problem_form_pdf, name="problem-pdf"),
    path("<int:pk>/<str:action>/", problem_views.problem_action, name="problem-action"),
    path("owners/", problem_views.owners_page, name="owners"),
    path("owners/<int:pk>/remove/", problem_views.owner_remove, name="owner-remove"),
]
