from django.urls import path

from lakthan.web import editor, evidence_views, views

app_name = "web"

ROUND = "units/<str:code>/fy/<int:fy>/round/<int:months>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics_view, name="metrics"),
    path(ROUND, views.dashboard, name="dashboard"),
    path(ROUND + "indicators/<str:indicator>/", editor.report_editor, name="report-editor"),
    path(ROUND + "indicators/<str:indicator>/report.<str:fmt>", views.report_download, name="report"),
    path(ROUND + "indicators/<str:indicator>/pack.zip", views.pack_download, name="pack"),
    path("evidence/", views.evidence_index, name="evidence-index"),
    path("evidence/<int:pk>/", evidence_views.evidence_detail, name="evidence-detail"),
    path("evidence/<int:pk>/revisions/<int:number>/file", evidence_views.evidence_file, name="evidence-file"),
    path("units/<str:code>/evidence/", views.evidence_register, name="evidence"),
    path("units/<str:code>/evidence/upload", evidence_views.evidence_upload, name="evidence-upload"),
]
