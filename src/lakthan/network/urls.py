app_name = "network"

urlpatterns: list = []

from django.urls import path  # noqa: E402

from lakthan.network import findings_views  # noqa: E402

urlpatterns += [
    path("findings/", findings_views.findings, name="findings"),
    path("findings/findings.pdf", findings_views.findings_pdf, name="findings-pdf"),
    path("findings/plan.pdf", findings_views.plan_pdf, name="plan-pdf"),
]
