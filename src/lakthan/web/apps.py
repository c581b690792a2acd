from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lakthan.web"
    label = "web"
