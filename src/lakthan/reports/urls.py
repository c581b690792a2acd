from django.urls import path

from lakthan.indicators.urls import ROUND
from lakthan.reports import views

app_name = "reports"

urlpatterns = [
    path(ROUND + "indicators/<str:indicator>/report.<str:fmt>", views.report_download, name="report"),
    path(ROUND + "indicators/<str:indicator>/pack.zip", views.pack_download, name="pack"),
    path("pack-key.pem", views.pack_key, name="pack-key"),
]
