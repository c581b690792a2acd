from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "lakthan.evidence"
    label = "evidence"
