from django.urls import path

from lakthan.evidence import views

app_name = "evidence"

urlpatterns = [
    path("evidence/", views.evidence_index, name="evidence-index"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence-detail"),
    path("evidence/<int:pk>/revisions/<int:number>/file", views.evidence_file, name="evidence-file"),
    path("units/<str:code>/evidence/", views.evidence_register, name="evidence"),
    path("units/<str:code>/evidence/upload", views.evidence_upload, name="evidence-upload"),
]
