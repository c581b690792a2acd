from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lakthan.monitoring"
    label = "monitoring"
