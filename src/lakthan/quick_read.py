"""Read-only commands answered without setting Django up.

`django.setup()` costs a command about half a second on a small machine: the ORM's own imports and
the classes of some 130 models, before the first query. A command that only reads a few rows
(`lakthan unit list`) asks here first for a connection of the database driver itself, to the database
the settings name, on which nothing can be written. It is given one only when the answer is certain
to be the ORM's: the database exists, it is SQLite or PostgreSQL, and every migration on disk is
recorded as applied (the check `migration_state` makes, here without Django's app registry). Anything
else returns None and the command sets Django up like any other, so a new home is still created and
migrated by the first command, and pending migrations are still named and never applied silently.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sqlite3
from importlib.util import find_spec
from pathlib import Path
from typing import Any

# Installed apps whose label is not the last part of their name (Django's AppConfig.label); the test
# of this module compares every label and migration found here with Django's own registry.
LABELS = {"lakthan.api": "lakthan_api"}


def connect() -> Any | None:
    """A read-only DB-API connection with nothing pending, or None: then set Django up instead."""
    settings = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "lakthan.settings"))
    if getattr(settings, "MIGRATION_MODULES", None):
        return None  # migrations moved elsewhere: Django's loader knows where
    database = settings.DATABASES["default"]
    connection = _open(database)
    if connection is None:
        return None
    try:
        if migrations_on_disk(settings.INSTALLED_APPS) <= _recorded(connection):
            return connection
    except Exception:  # noqa: BLE001  (no django_migrations table, a driver error: Django will say)
        pass
    connection.close()
    return None


def _open(database: dict) -> Any | None:
    engine = database["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        path = Path(database["NAME"])
        if not path.is_file():  # a new home: Django creates and migrates it
            return None
        try:
            connection = sqlite3.connect(path, timeout=database.get("OPTIONS", {}).get("timeout", 5))
            connection.execute("PRAGMA query_only = ON")
        except sqlite3.Error:
            return None  # Django opens it again and gives its own error
        return connection
    if engine == "django.db.backends.postgresql":
        import psycopg

        parameters = {
            "dbname": database["NAME"],
            "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None,
            "host": database.get("HOST") or None,
            "port": database.get("PORT") or None,
            **database.get("OPTIONS", {}),
        }
        try:
            connection = psycopg.connect(**{k: v for k, v in parameters.items() if v is not None})
        except psycopg.Error:
            return None  # Django connects again and gives its own error
        connection.read_only = True
        return connection
    return None


def _recorded(connection) -> set[tuple[str, str]]:
    cursor = connection.cursor()
    cursor.execute("SELECT app, name FROM django_migrations")
    return {(app, name) for app, name in cursor.fetchall()}


def migrations_on_disk(installed_apps: list[str]) -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file, as `migration_state.on_disk` finds them
    through Django's registry, found here by path without importing any app. An app whose directory
    cannot be found makes the set one that no database records, so that Django decides."""
    found = set()
    for entry in installed_apps:
        package = _package_of(entry)
        directory = _directory_of(package)
        if directory is None:
            return {("", f"{package} not found")}
        migrations = directory / "migrations"
        if not migrations.is_dir():
            continue  # an app without migrations
        if not (migrations / "__init__.py").is_file():
            return {("", f"{package}.migrations is not a package")}
        label = LABELS.get(package, package.rpartition(".")[2])
        for info in pkgutil.iter_modules([str(migrations)]):
            if not info.ispkg and info.name[0] not in "_~":
                found.add((label, info.name))
    return found


def _package_of(entry: str) -> str:
    """The app's package: "django.contrib.admin.apps.SimpleAdminConfig" names a class in the package's
    apps module, "lakthan.core" the package itself."""
    head, _, last = entry.rpartition(".")
    if last[:1].isupper() and head.endswith(".apps"):
        return head.removesuffix(".apps")
    return entry


def _directory_of(package: str) -> Path | None:
    """The package's directory, from its top-level package's spec (which imports nothing)."""
    top, *rest = package.split(".")
    spec = find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        directory = Path(location).joinpath(*rest)
        if (directory / "__init__.py").is_file():
            return directory
    return None
