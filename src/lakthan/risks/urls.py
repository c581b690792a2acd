from django.urls import path

from lakthan.risks import risk_views, views

app_name = "risks"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("levels.css", views.level_styles, name="level-styles"),
    path("register/add/", risk_views.risk_add, name="risk-add"),
    path("register/import/", risk_views.register_upload, name="register-upload"),
    path("register/export.xlsx", risk_views.register_download, name="register-download"),
    # an agency's own refs may hold a slash (IT-01/2569): the longer patterns first
    path("register/<path:ref>/edit/", risk_views.risk_edit, name="risk-edit"),
    path("register/<path:ref>/accept/", risk_views.risk_accept, name="risk-accept"),
    path("register/<path:ref>/", risk_views.risk_detail, name="risk"),
]
