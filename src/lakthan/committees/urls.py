from django.urls import path

from lakthan.committees import committee_views

app_name = "committees"

urlpatterns: list = [
    path("", committee_views.index, name="index"),
    path("add/", committee_views.committee_add, name="committee-add"),
    path("<int:pk>/", committee_views.committee_detail, name="committee"),
    path("<int:pk>/meetings/add/", committee_views.meeting_add, name="meeting-add"),
    path("meetings/", committee_views.meetings, name="meetings"),
    path("meetings/<int:pk>/", committee_views.meeting_detail, name="meeting"),
    path("resolutions/", committee_views.resolutions, name="resolutions"),
    path("resolutions/<int:pk>/follow-up/", committee_views.follow_up, name="follow-up"),
    path("record.pdf", committee_views.record_pdf, name="record-pdf"),
]
