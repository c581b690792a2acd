app_name = "operations"

urlpatterns: list = []

from django.urls import path  # noqa: E402

from lakthan.operations import site_views  # noqa: E402

urlpatterns += [
    path("sites/", site_views.sites, name="sites"),
    path("sites/report.pdf", site_views.websites_pdf, name="websites-pdf"),
    path("sites/<str:name>/", site_views.site, name="site"),
    path("sites/<str:name>/check/", site_views.site_check, name="site-check"),
]
