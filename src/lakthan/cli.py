"""The `lakthan` command: one entry point over the same services the web application uses."""

from __future__ import annotations

import errno
import functools
import os
import sys

import click
from rich.console import Console

err_console = Console(stderr=True)


def setup_django(migrating: bool = False) -> None:
    """Configure Django. An empty database (a new LAKTHAN_HOME) is created, migrated and given the
    bundled libraries, so that a newcomer never meets a missing table; a database already in use with
    migrations pending is never migrated behind the user's back: `lakthan migrate` does that."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakthan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from lakthan import migration_state

    settings.LAKTHAN_HOME.mkdir(parents=True, exist_ok=True)
    if not migration_state.all_recorded(connection):
        _migrate_if_new(connection, migrating)
    from lakthan.indicators.libraries import ensure_bundled_libraries

    ensure_bundled_libraries()


def _migrate_if_new(connection, migrating: bool) -> None:
    """Django's own plan: the database is migrated when it is empty (or `lakthan migrate` asked)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return
    if executor.loader.applied_migrations and not migrating:
        from lakthan.core.errors import InvalidInput

        raise InvalidInput(
            f"ฐานข้อมูลยังไม่ได้ปรับรุ่น ({len(pending)} migration): สำรองข้อมูลแล้วสั่ง lakthan migrate",
            f"the database has {len(pending)} migration(s) pending: back it up, then run `lakthan migrate`",
        )
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# The commands that need no database: they work anywhere and leave no trace.
WITHOUT_DATABASE = {("pack", "verify"), ("library", "validate")}


class LakthanGroup(click.Group):
    """Turns domain errors into one line on stderr and the error's exit code, never a traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if any("\x00" in arg for arg in args):  # no path, name or value may hold one
            ctx.fail("arguments may not contain a NUL byte (ห้ามมีอักขระ NUL ในอาร์กิวเมนต์)")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        from lakthan.core.errors import LakthanError

        try:
            return super().invoke(ctx)
        except LakthanError as exc:
            from django.conf import settings

            from lakthan import config

            # `pack verify` and `library validate` may fail before Django is set up
            lang = settings.LAKTHAN_LANG if settings.configured else config.language()
            from rich.markup import escape

            # escaped: a message may hold brackets ('lakthan[spark]') that are not markup
            err_console.print(
                f"[red]error:[/red] {escape(exc.message(lang))}", highlight=False, soft_wrap=True
            )
            sys.exit(exc.exit_code)
        except OSError as exc:  # a full disk, a read-only file system, a permission: the system's word
            if exc.errno is None:
                raise
            where = f": {exc.filename}" if exc.filename else ""
            th = DISK_ERRORS_TH.get(exc.errno, "ระบบปฏิบัติการปฏิเสธ")
            err_console.print(
                f"[red]error:[/red] {th} / {exc.strerror}{where}", highlight=False, soft_wrap=True
            )
            sys.exit(1)


DISK_ERRORS_TH = {errno.ENOSPC: "พื้นที่ดิสก์เต็ม", errno.EROFS: "ระบบไฟล์อ่านได้อย่างเดียว", errno.EACCES: "ไม่มีสิทธิ์"}


@click.group(cls=LakthanGroup)
@click.version_option(package_name="lakthan")
def main() -> None:
    """Lakthan (หลักฐาน): IT controls that prove themselves, indicators scored, the official report written."""


def _register() -> None:
    """Every app's `cli.py` lists its commands in COMMANDS; they are added here in app order."""
    from importlib import import_module
    from importlib.util import find_spec

    for app in (
        "core",
        "inventory",
        "indicators",
        "evidence",
        "checks",
        "reports",
        "backups",
        "monitoring",
        "access",
        "risks",
        "network",
        "operations",
        "data",
        "problems",
        "committees",
        "web",
    ):
        if find_spec(f"lakthan.{app}.cli") is not None:
            for command in import_module(f"lakthan.{app}.cli").COMMANDS:
                main.add_command(command)
    from lakthan.demo import demo

    main.add_command(demo)
    main.add_command(migrate)
    _set_up_django_first(main)


def _set_up_django_first(command: click.Command, path: tuple[str, ...] = ()) -> None:
    """Django is set up when a command's own callback runs, not before: `--help`, a usage error or a
    group's callback never start Django nor touch the database."""
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            _set_up_django_first(sub, (*path, name))
    elif command.callback is not None and path not in WITHOUT_DATABASE:
        command.callback = _with_django(command.callback, path)


def _with_django(callback, path: tuple[str, ...]):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        if path == ("demo",):
            from lakthan.demo import prepare_home

            prepare_home()  # before Django starts: the demo never touches the operator's database
        elif path == ("serve",) and kwargs.get("demo"):
            from lakthan.demo import use_demo_home

            use_demo_home()
        quick = getattr(callback, "quick_read", None)
        if quick is not None and not _django_ready():
            from lakthan import quick_read

            connection = quick_read.connect()
            if connection is not None:
                try:
                    return quick(connection, *args, **kwargs)
                finally:
                    connection.close()
        setup_django(migrating=path == ("migrate",))
        return callback(*args, **kwargs)

    return run


def _django_ready() -> bool:
    """Django already set up in this process (a test, a command run from another): use its ORM."""
    apps = sys.modules.get("django.apps")
    return bool(apps and apps.apps.ready)


@click.command()
def migrate() -> None:
    """Apply the database migrations a new version of Lakthan brings (back the database up first)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    left = executor.migration_plan(executor.loader.graph.leaf_nodes())
    err_console.print(f"database up to date{'' if not left else f', {len(left)} migration(s) left'}")


_register()

if __name__ == "__main__":
    main()
