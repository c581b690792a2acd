from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "lakthan.data"
    label = "data"
