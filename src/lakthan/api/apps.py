from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lakthan.api"
    label = "lakthan_api"
    default_auto_field = "django.db.models.BigAutoField"
