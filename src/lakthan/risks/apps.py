from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "lakthan.risks"
    label = "risks"
