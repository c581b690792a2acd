from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "lakthan.checks"
    label = "checks"
