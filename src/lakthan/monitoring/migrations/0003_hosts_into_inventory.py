"""Monitoring's hosts move into the inventory (lakthan.inventory.Host), which every app now shares.

Each host keeps its name, unit, addresses, role and the time it was added. A host the inventory already
has under the same name keeps the inventory's record and gains the addresses it lacked. The hosts'
`expected_sources` go: no command or page ever set them, so they were empty everywhere. Events, host-days
and alerts name hosts by text and are untouched. The table itself is dropped in 0004 (PostgreSQL will
not drop it in the transaction that wrote the rows it is read for)."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("monitoring", "Host")
    New = apps.get_model("inventory", "Host")
    for old in Old.objects.order_by("pk"):
        new = New.objects.filter(name=old.name).first()
        if new is None:
            new = New.objects.create(
                name=old.name, unit_id=old.unit_id, addresses=old.addresses, role=old.role
            )
            New.objects.filter(pk=new.pk).update(created_at=old.created_at)  # auto_now_add on create
        else:
            missing = [a for a in old.addresses if a not in new.addresses]
            if missing:
                New.objects.filter(pk=new.pk).update(addresses=new.addresses + missing)


def backward(apps, schema_editor):
    Old = apps.get_model("monitoring", "Host")
    New = apps.get_model("inventory", "Host")
    for new in New.objects.order_by("pk"):
        if not Old.objects.filter(name=new.name).exists():
            old = Old.objects.create(
                name=new.name, unit_id=new.unit_id, addresses=new.addresses, role=new.role
            )
            Old.objects.filter(pk=old.pk).update(created_at=new.created_at)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_seq_state"), ("inventory", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
