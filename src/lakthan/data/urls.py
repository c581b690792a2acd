from django.urls import path

from lakthan.data import dataset_views, freshness_views

app_name = "data"

urlpatterns: list = [
    path("", freshness_views.index, name="index"),
    path("freshness/report.pdf", freshness_views.freshness_pdf, name="freshness-pdf"),
    path("freshness/picture.<str:fmt>", freshness_views.freshness_picture, name="freshness-png"),
    path("datasets/", dataset_views.datasets, name="datasets"),
    path("datasets/add/", dataset_views.dataset_add, name="dataset-add"),
    path("datasets/<int:pk>/", dataset_views.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/check/", dataset_views.dataset_check, name="dataset-check"),
    path("quality/", dataset_views.quality, name="quality"),
]
