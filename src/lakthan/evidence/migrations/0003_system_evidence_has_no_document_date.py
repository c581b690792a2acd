"""System-generated evidence was given its period's last day as a document date, a day on which the
file did not exist yet. It has none: the report dates it by the check run that produced it. Signed
reports keep what their signature pinned."""

from django.db import migrations


def clear_document_dates(apps, schema_editor):
    Evidence = apps.get_model("evidence", "Evidence")
    Evidence.objects.filter(kind="system", doc_date__isnull=False).update(doc_date=None)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_evidence_source_key")]

    operations = [migrations.RunPython(clear_document_dates, migrations.RunPython.noop)]
