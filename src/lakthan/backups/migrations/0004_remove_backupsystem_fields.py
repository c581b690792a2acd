"""What a system is now lives on inventory.System only (filled by 0003)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("backups", "0003_systems_into_inventory")]

    operations = [
        migrations.AlterModelOptions(
            name="backupsystem", options={"ordering": ["system__unit__code", "name"]}
        ),
        migrations.RemoveField(model_name="backupsystem", name="title"),
        migrations.RemoveField(model_name="backupsystem", name="unit"),
        migrations.RemoveField(model_name="backupsystem", name="owner"),
        migrations.RemoveField(model_name="backupsystem", name="klass"),
        migrations.RemoveField(model_name="backupsystem", name="importance"),
        migrations.AlterField(
            model_name="backupsystem",
            name="system",
            field=models.OneToOneField(
                on_delete=models.deletion.PROTECT, related_name="backup", to="inventory.system"
            ),
        ),
    ]
