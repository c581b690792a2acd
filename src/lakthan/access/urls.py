from django.urls import path

from lakthan.access import request_views, views

app_name = "access"

urlpatterns = [
    path("", views.index, name="index"),
]

urlpatterns += [
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_new, name="request-new"),
    path("requests/<int:pk>/", request_views.request_detail, name="request"),
    path("requests/<int:pk>/decide/", request_views.request_decide, name="request-decide"),
    path("requests/<int:pk>/apply/", request_views.request_apply, name="request-apply"),
    path("requests/<int:pk>/form.pdf", request_views.request_pdf, name="request-pdf"),
]
