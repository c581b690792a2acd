from django.urls import path

from lakthan.access import catalogue_views, views

app_name = "access"

urlpatterns = [
    path("", views.index, name="index"),
    path("roles/", catalogue_views.catalogue, name="catalogue"),
]
