"""Backup services: every state change of item 1 goes through here (systems, runs, verification,
restore tests, import, compliance, alerts, Lakthan's own backup), each in its own module."""


def for_each_active(action) -> list:
    """Runs `action(system)` for every active system (the periodic jobs use it)."""
    from lakthan.backups.models import BackupSystem

    return [action(system) for system in BackupSystem.objects.filter(active=True)]
