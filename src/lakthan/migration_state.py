"""Whether every migration on disk is recorded as applied, answered without loading the migrations.

Django's MigrationLoader imports every migration module of every app to build its graph (about a third
of a second of a CLI command's start on a small machine). Every command asks the question before it
runs, and the answer is nearly always "yes": so the common case is one query against
``django_migrations`` and a directory listing per app, and anything else (an empty database, a new
migration, a squashed one recorded under its old names) is left to the loader, which decides.
"""

from __future__ import annotations

import pkgutil
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

RECORDER_TABLE = "django_migrations"  # django.db.migrations.recorder.MigrationRecorder's table


def on_disk() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file, named as Django's loader names them:
    the modules of each app's migrations package, not packages, not starting with "_" or "~"."""
    found = set()
    for app in apps.get_app_configs():
        module = settings.MIGRATION_MODULES.get(app.label, f"{app.name}.migrations")
        if module is None:  # migrations turned off for this app
            continue
        try:
            spec = find_spec(module)
        except ModuleNotFoundError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue  # an app without migrations
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.ispkg and info.name[0] not in "_~":
                found.add((app.label, info.name))
    return found


def recorded(connection: BaseDatabaseWrapper) -> set[tuple[str, str]]:
    """(app label, name) of every migration the database records as applied; none in an empty one."""
    with connection.cursor() as cursor:
        if RECORDER_TABLE not in connection.introspection.table_names(cursor):
            return set()
        cursor.execute(f"SELECT app, name FROM {RECORDER_TABLE}")
        return {(app, name) for app, name in cursor.fetchall()}


def all_recorded(connection: BaseDatabaseWrapper) -> bool:
    """True: nothing is pending, for certain. False: perhaps something is; ask Django's loader."""
    return on_disk() <= recorded(connection)
