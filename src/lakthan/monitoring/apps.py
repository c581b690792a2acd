from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lakthan.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from lakthan.core import audit
        from lakthan.monitoring import audit_log
        from lakthan.reports import proofs

        audit.add_sink(audit_log.write)
        proofs.register("lakthan.monitoring.services.proofs.log_checkpoint")
