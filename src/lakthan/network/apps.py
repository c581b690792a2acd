from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "lakthan.network"
    label = "network"
