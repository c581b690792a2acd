from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "lakthan.inventory"
    label = "inventory"
