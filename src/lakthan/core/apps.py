from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lakthan.core"
    label = "core"
