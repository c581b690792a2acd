from django.urls import path  # noqa: F401

app_name = "risks"

urlpatterns: list = []
