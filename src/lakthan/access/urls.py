from django.urls import path, re_path

from lakthan.access import actions, views

app_name = "access"

urlpatterns = [
    path("", views.index, name="index"),
    path("systems/<str:code>/", views.system_accounts, name="system"),
    path("accounts/<int:pk>/", views.account_page, name="account"),
    re_path(
        r"^accounts/(?P<pk>[0-9]+)/(?P<action>link|unlink|service|not-service)/$",
        actions.account_action,
        name="account-action",
    ),
    path("people/", views.people, name="people"),
    path("people/<str:employee_id>/", views.person_page, name="person"),
]
