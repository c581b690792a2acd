from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "lakthan.backups"
    label = "backups"
