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
