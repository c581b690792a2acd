from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "lakthan.indicators"
    label = "indicators"
