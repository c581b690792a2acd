from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "lakthan.problems"
    label = "problems"
