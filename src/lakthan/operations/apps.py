from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "lakthan.operations"
    label = "operations"
