from django.urls import path

from lakthan.access import review_views, views

app_name = "access"

urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/", review_views.campaigns, name="review-campaigns"),
    path("campaigns/<int:campaign_id>/", review_views.campaign, name="review-campaign"),
    path("campaigns/<int:campaign_id>/report.pdf", review_views.campaign_report, name="review-report"),
    path("campaigns/<int:campaign_id>/review/", review_views.review, name="review-items"),
    path("campaigns/<int:campaign_id>/review/decide/", review_views.review_decide, name="review-decide"),
]
