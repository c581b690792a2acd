from django.urls import path

from lakthan.inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.systems, name="systems"),
    path("systems/add/", views.system_add, name="system-add"),
    path("systems/<str:code>/", views.system_detail, name="system"),
    path("systems/<str:code>/edit/", views.system_edit, name="system-edit"),
    path("hosts/", views.hosts, name="hosts"),
    path("hosts/add/", views.host_add, name="host-add"),
    path("hosts/<str:name>/edit/", views.host_edit, name="host-edit"),
]
