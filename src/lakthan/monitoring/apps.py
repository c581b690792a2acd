from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lakthan.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from lakthan.core import audit
        from lakthan.monitoring import audit_log

        audit.add_sink(audit_log.write)
