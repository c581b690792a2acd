"""DRF's tokens (rest_framework.authtoken, keys kept in clear) become hashed API tokens.

Each key is copied as its SHA-256, so clients that hold one keep working, with a read-and-write scope
(what they could do) and 90 days from the upgrade to be replaced; then the clear keys are deleted.
The authtoken app is no longer installed, so its table is read with SQL when it exists."""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

TABLE = "authtoken_token"
GRACE = timedelta(days=90)


def hash_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("core", "ApiToken")
    quoted = schema_editor.quote_name(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, user_id FROM {quoted}")  # noqa: S608
        rows = cursor.fetchall()
        expires = timezone.now() + GRACE
        ApiToken.objects.bulk_create(
            ApiToken(
                user_id=user_id,
                name="token from before hashing",
                key_hash=hashlib.sha256(key.encode()).hexdigest(),
                prefix=key[:8],
                scope="write",
                expires_at=expires,
            )
            for key, user_id in rows
        )
        cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("core", "0004_api_tokens_recovery_codes")]

    operations = [migrations.RunPython(hash_authtoken_keys, migrations.RunPython.noop)]
