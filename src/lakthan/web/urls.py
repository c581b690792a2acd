from django.urls import path

from lakthan.web import views

app_name = "web"

ROUND = "units/<str:code>/fy/<int:fy>/round/<int:months>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(ROUND, views.dashboard, name="dashboard"),
    path(ROUND + "indicators/<str:indicator>/report.<str:fmt>", views.report_download, name="report"),
    path(ROUND + "indicators/<str:indicator>/pack.zip", views.pack_download, name="pack"),
    path("evidence/", views.evidence_index, name="evidence-index"),
    path("units/<str:code>/evidence/", views.evidence_register, name="evidence"),
]
