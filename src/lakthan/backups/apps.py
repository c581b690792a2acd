from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "lakthan.backups"
    label = "backups"

    def ready(self) -> None:
        from lakthan.reports import proofs

        proofs.register("lakthan.backups.services.proofs.backup_proofs")
