from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lakthan.web"
    label = "web"

    def ready(self):
        from lakthan.web import signals  # noqa: F401 - connects the receivers
