from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "lakthan.backups"
    label = "backups"

    def ready(self) -> None:
        from lakthan.backups.services.proofs import backup_proofs
        from lakthan.reports import proofs

        proofs.register(backup_proofs)
