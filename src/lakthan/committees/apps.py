from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "lakthan.committees"
    label = "committees"
