"""Every backup system becomes (or joins) an inventory system, with its history kept.

What a system *is* (title, unit, owner, class, importance) moves to ``inventory.System``; the backup
row keeps its primary key, so its runs, snapshots, verifications, restore tests and alerts stay
attached without being touched. Importance maps onto criticality as low=2, medium=3, high=4 (the
scale's ends, 1 and 5, are left for people to choose). An inventory system with the same code, if
one exists already, is joined rather than duplicated. Each move is written in the audit trail.

Backwards, the fields are copied back from the inventory; the inventory rows stay.
"""

from django.db import migrations

CRITICALITY = {"low": 2, "medium": 3, "high": 4}
IMPORTANCE = {2: "low", 3: "medium", 4: "high", 1: "low", 5: "high"}


def into_inventory(apps, schema_editor):
    BackupSystem = apps.get_model("backups", "BackupSystem")
    System = apps.get_model("inventory", "System")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for backup in BackupSystem.objects.order_by("pk"):
        system, created = System.objects.get_or_create(
            code=backup.name,
            defaults={
                "name_th": backup.title or backup.name,
                "unit_id": backup.unit_id,
                "owner_id": backup.owner_id,
                "klass": backup.klass,
                "criticality": CRITICALITY.get(backup.importance, 3),
                "active": backup.active,
            },
        )
        if created:
            # keep when the system entered the inventory, not when the migration ran
            System.objects.filter(pk=system.pk).update(created_at=backup.created_at)
        backup.system_id = system.pk
        backup.save(update_fields=["system"])
        AuditEntry.objects.create(
            actor="migration",
            action="inventory.system.migrate",
            object_type="inventory.system",
            object_id=str(system.pk),
            after={"code": system.code, "backup_system": backup.pk, "created": created},
        )


def out_of_inventory(apps, schema_editor):
    BackupSystem = apps.get_model("backups", "BackupSystem")
    for backup in BackupSystem.objects.select_related("system"):
        system = backup.system
        backup.title = system.name_th
        backup.unit_id = system.unit_id
        backup.owner_id = system.owner_id
        backup.klass = system.klass
        backup.importance = IMPORTANCE.get(system.criticality, "medium")
        backup.save(update_fields=["title", "unit", "owner", "klass", "importance"])


class Migration(migrations.Migration):
    dependencies = [("backups", "0002_backupsystem_system")]

    operations = [migrations.RunPython(into_inventory, out_of_inventory)]
