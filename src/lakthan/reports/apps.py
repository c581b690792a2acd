from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lakthan.reports"
    label = "reports"
