from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "lakthan.access"
    label = "access"
