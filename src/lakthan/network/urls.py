from django.urls import path

from lakthan.network import address_views, findings_views, views

app_name = "network"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("addresses/", address_views.addresses, name="addresses"),
    path("addresses/add/", address_views.address_add, name="address-add"),
    path("addresses/import/", address_views.address_import, name="address-import"),
    path("addresses/export.csv", address_views.address_export, name="address-export"),
    path("addresses/<int:pk>/", address_views.address_edit, name="address-edit"),
    path("observations/", address_views.observations, name="observations"),
    path("observations/upload/", address_views.observe_upload, name="observe-upload"),
    path("changes/", address_views.changes, name="changes"),
    path("findings/", findings_views.findings, name="findings"),
    path("findings/findings.pdf", findings_views.findings_pdf, name="findings-pdf"),
    path("findings/plan.pdf", findings_views.plan_pdf, name="plan-pdf"),
]
