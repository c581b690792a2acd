from django.urls import path

from lakthan.access import views

app_name = "access"

urlpatterns = [
    path("", views.index, name="index"),
]
