from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "lakthan.access"
    label = "access"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lakthan.core import jobs

        # the handlers are imported when a job runs (lakthan/access/services/jobs.py)
        jobs.register("access.sync", "lakthan.access.services.jobs._sync", _("Sync now"))
        jobs.register("access.remediate", "lakthan.access.services.jobs._remediate", _("Remediate leavers"))
