from django.urls import path

from lakthan.core import views

app_name = "core"

urlpatterns = [path("jobs/<int:pk>/", views.job, name="job")]
