"""The `lakthan` command: one entry point over the same services the web application uses."""

from __future__ import annotations

import os
import sys

import click
from rich.console import Console

err_console = Console(stderr=True)


def setup_django() -> None:
    """Configure Django, and on an empty LAKTHAN_HOME create and migrate the database and load the
    bundled libraries, so that no command ever meets a missing table."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakthan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    settings.LAKTHAN_HOME.mkdir(parents=True, exist_ok=True)
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    from lakthan.indicators.libraries import ensure_bundled_libraries

    ensure_bundled_libraries()


# Groups with a sub-command that needs no database (`pack verify`, `library validate`): they call
# setup_django() themselves for the others, so those two work anywhere and leave no trace.
GROUPS_THAT_SET_UP_THEMSELVES = {"pack", "library"}


class LakthanGroup(click.Group):
    """Turns domain errors into one line on stderr and the error's exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        from django.conf import settings

        from lakthan import config
        from lakthan.core.errors import LakthanError

        try:
            return super().invoke(ctx)
        except LakthanError as exc:
            # `pack verify` and `library validate` may fail before Django is set up
            lang = settings.LAKTHAN_LANG if settings.configured else config.language()
            err_console.print(f"[red]error:[/red] {exc.message(lang)}", highlight=False, soft_wrap=True)
            sys.exit(exc.exit_code)


@click.group(cls=LakthanGroup)
@click.version_option(package_name="lakthan")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Lakthan (หลักฐาน): IT controls that prove themselves, indicators scored, the official report written."""
    if ctx.invoked_subcommand == "demo":
        from lakthan.demo import prepare_home

        prepare_home()
    if ctx.invoked_subcommand not in GROUPS_THAT_SET_UP_THEMSELVES:
        setup_django()


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
        "web",
    ):
        if find_spec(f"lakthan.{app}.cli") is not None:
            for command in import_module(f"lakthan.{app}.cli").COMMANDS:
                main.add_command(command)
    from lakthan.demo import demo

    main.add_command(demo)


_register()

if __name__ == "__main__":
    main()
