"""The start-up migration check answers as Django's loader does, without importing the migrations."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from lakthan import migration_state


def test_the_files_listed_are_the_migrations_djangos_loader_finds():
    assert migration_state.on_disk() == set(MigrationLoader(None).disk_migrations)


def test_a_migrated_database_has_every_migration_recorded(db):
    assert migration_state.all_recorded(connection)
    assert MigrationExecutor(connection).migration_plan(MigrationLoader(connection).graph.leaf_nodes()) == []


def test_a_migration_not_recorded_is_seen_and_the_loader_agrees(db):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'reports' AND name = '0001_initial'")
    assert not migration_state.all_recorded(connection)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert ("reports", "0001_initial") in {(m.app_label, m.name) for m, _ in plan}
