"""System-generated evidence was given its period's last day as a document date, a day on which the
file did not exist yet. It has none: the report dates it by the check run that produced it. Evidence
behind a signed report is left as it was signed (the signature pinned its date); a reopened report's
next signature pins the corrected one."""

from django.db import migrations


def clear_document_dates(apps, schema_editor):
    Evidence = apps.get_model("evidence", "Evidence")
    signed = Evidence.objects.filter(links__report__signed_at__isnull=False)
    Evidence.objects.filter(kind="system", doc_date__isnull=False).exclude(pk__in=signed).update(
        doc_date=None
    )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_evidence_source_key"), ("indicators", "0004_criterion_guidance")]

    operations = [migrations.RunPython(clear_document_dates, migrations.RunPython.noop)]
