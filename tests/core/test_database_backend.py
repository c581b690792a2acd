"""`make test` runs the suite twice; this proves the second pass really is on PostgreSQL."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_backend_the_makefile_asked_for():
    wanted = os.environ.get("LAKTHAN_TEST_DB", "sqlite")
    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[wanted]
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:  # the test database is in memory; WAL applies to files
            cur.execute("PRAGMA foreign_keys")
            assert cur.fetchone()[0] == 1


def test_a_sqlite_database_file_commits_durably(tmp_path):
    """What the product opens (a file under LAKTHAN_HOME): WAL, and every commit synced (FULL = 2)."""
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA synchronous').fetchone()[0])"
    )
    env = {**os.environ, "LAKTHAN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lakthan.settings"}
    env.pop("DATABASE_URL", None)  # the sqlite default, also in the PostgreSQL pass
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["wal", "2"]
