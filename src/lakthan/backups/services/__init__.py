"""Backup services: every state change of item 1 goes through here (systems, runs, verification,
restore tests, import, compliance, alerts, Lakthan's own backup)."""

from lakthan.backups.services.compliance import system_compliance, unit_compliance  # noqa: F401
from lakthan.backups.services.runs import import_snapshots, run_all, run_backup, sync_snapshots  # noqa: F401
from lakthan.backups.services.systems import add_system, ensure_self_system, get_system  # noqa: F401
from lakthan.backups.services.verify import restore_test, verify  # noqa: F401


def for_each_active(action) -> list:
    """Runs `action(system)` for every active system (the periodic jobs use it)."""
    from lakthan.backups.models import BackupSystem

    return [action(system) for system in BackupSystem.objects.filter(active=True)]
