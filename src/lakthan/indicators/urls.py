from django.urls import path

from lakthan.indicators import views

app_name = "indicators"

# A unit's round; the reports app hangs its downloads under the same prefix.
ROUND = "units/<str:code>/fy/<int:fy>/round/<int:months>/"

urlpatterns = [
    path(ROUND, views.dashboard, name="dashboard"),
    path(ROUND + "indicators/<str:indicator>/", views.report_editor, name="report-editor"),
    path("libraries/", views.libraries, name="libraries"),
    path("libraries/<int:pk>/versions/<int:number>.yaml", views.library_version, name="library-version"),
]
