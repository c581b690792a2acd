from django.urls import path

from lakthan.access import actions, views

app_name = "access"

urlpatterns = [
    path("", views.index, name="index"),
    path("sources/add/", actions.source_add, name="source-add"),
    path("sources/<str:name>/", views.source_detail, name="source"),
    path("sources/<str:name>/edit/", actions.source_edit, name="source-edit"),
    path("sources/<str:name>/sync/", actions.source_sync, name="source-sync"),
    path("findings/", views.findings_page, name="findings"),
    path("findings/remediate/", actions.remediate_preview, name="remediate"),
    path("roster/", views.roster, name="roster"),
    path("roster/import/", actions.roster_upload, name="roster-upload"),
]
