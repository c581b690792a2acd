from django.urls import path

from lakthan.backups import actions, views

app_name = "backups"

urlpatterns = [
    path("", views.systems, name="systems"),
    path("restore-tests/", views.restore_tests, name="restore-tests"),
    path("systems/add/", actions.system_add, name="system-add"),
    path("systems/<str:name>/", views.system_detail, name="system"),
    path("systems/<str:name>/edit/", actions.system_edit, name="system-edit"),
    path("systems/<str:name>/import/", actions.system_import, name="system-import"),
    *(
        path(
            f"systems/<str:name>/{action}/", actions.start_action, {"action": action}, name=f"system-{action}"
        )
        for action in actions.ACTIONS
    ),
    path("systems/<str:name>/calendar.svg", views.system_calendar, name="system-calendar"),
    path("units/<str:code>/fy/<int:fy>/round/<int:months>/", views.round_compliance, name="round"),
    path(
        "units/<str:code>/fy/<int:fy>/round/<int:months>/calendar.svg",
        views.round_calendar,
        name="round-calendar",
    ),
]
