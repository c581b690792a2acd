"""Backup systems get a link to the inventory (filled by 0003); ``unit`` and ``klass`` turn nullable and
``title`` gets a default for the moment, so that the way back can add them again to a populated table. Schema, data and schema again are three
migrations because PostgreSQL refuses to alter a table with pending foreign-key checks from rows
changed in the same transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("backups", "0001_initial"),
        ("core", "0002_rolegrant"),
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="backupsystem",
            name="system",
            field=models.OneToOneField(
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="backup",
                to="inventory.system",
            ),
        ),
        migrations.AlterField(
            model_name="backupsystem",
            name="unit",
            field=models.ForeignKey(
                null=True, on_delete=models.deletion.PROTECT, related_name="backup_systems", to="core.unit"
            ),
        ),
        migrations.AlterField(
            model_name="backupsystem", name="klass", field=models.CharField(max_length=10, null=True)
        ),
        migrations.AlterField(
            model_name="backupsystem",
            name="title",
            field=models.CharField(max_length=255, blank=True, default=""),
        ),
    ]
