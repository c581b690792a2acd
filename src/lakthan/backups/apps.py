from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "lakthan.backups"
    label = "backups"

    def ready(self) -> None:
        from lakthan.reports import proofs

        proofs.register("lakthan.backups.services.proofs.backup_proofs")

        from django.utils.translation import gettext_lazy as _

        from lakthan.core import jobs

        # the handlers are imported when a job runs (lakthan/backups/services/jobs.py)
        for kind, handler, label in (
            ("backup.run", "_run", _("Back up now")),
            ("backup.verify", "_verify", _("Verify the repository")),
            ("backup.restore_test", "_restore_test", _("Restore test")),
            ("backup.import", "_import", _("Import a repository")),
        ):
            jobs.register(kind, f"lakthan.backups.services.jobs.{handler}", label)
