from django.urls import path, re_path

from lakthan.access import account_views, actions, catalogue_views, request_views, review_views, views

app_name = "access"

urlpatterns = [
    path("", views.index, name="index"),
    path("systems/<str:code>/", account_views.system_accounts, name="system"),
    path("accounts/<int:pk>/", account_views.account_page, name="account"),
    re_path(
        r"^accounts/(?P<pk>[0-9]+)/(?P<action>link|unlink|service|not-service)/$",
        actions.account_action,
        name="account-action",
    ),
    path("people/", account_views.people_list, name="people"),
    path("people/<str:employee_id>/", account_views.person_page, name="person"),
    path("sources/add/", actions.source_add, name="source-add"),
    path("sources/<str:name>/", views.source_detail, name="source"),
    path("sources/<str:name>/edit/", actions.source_edit, name="source-edit"),
    path("sources/<str:name>/sync/", actions.source_sync, name="source-sync"),
    path("findings/", views.findings_page, name="findings"),
    path("findings/remediate/", actions.remediate_preview, name="remediate"),
    path("roster/", views.roster, name="roster"),
    path("roster/import/", actions.roster_upload, name="roster-upload"),
    path("roles/", catalogue_views.catalogue, name="catalogue"),
    path("campaigns/", review_views.campaigns, name="review-campaigns"),
    path("campaigns/new/", review_views.campaign_start, name="review-start"),
    path("campaigns/<int:campaign_id>/", review_views.campaign, name="review-campaign"),
    path("campaigns/<int:campaign_id>/report.pdf", review_views.campaign_report, name="review-report"),
    path("campaigns/<int:campaign_id>/review/", review_views.review, name="review-items"),
    path("campaigns/<int:campaign_id>/review/decide/", review_views.review_decide, name="review-decide"),
]

urlpatterns += [
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_new, name="request-new"),
    path("requests/<int:pk>/", request_views.request_detail, name="request"),
    path("requests/<int:pk>/decide/", request_views.request_decide, name="request-decide"),
    path("requests/<int:pk>/apply/", request_views.request_apply, name="request-apply"),
    path("requests/<int:pk>/form.pdf", request_views.request_pdf, name="request-pdf"),
]
