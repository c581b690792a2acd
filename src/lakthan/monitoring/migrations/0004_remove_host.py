from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_hosts_into_inventory")]

    operations = [migrations.DeleteModel(name="Host")]
