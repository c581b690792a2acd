from django.urls import path

from lakthan.risks import heatmap_views

app_name = "risks"

urlpatterns: list = []

urlpatterns += [
    path("heatmap/", heatmap_views.heatmap, name="heatmap"),
    path("heatmap/<str:code>/trend.<str:fmt>", heatmap_views.trend_picture, name="trend-picture"),
    path("heatmap/<str:code>/<str:kind>.<str:fmt>", heatmap_views.heatmap_picture, name="heatmap-picture"),
]
