"""`lakthan serve`"""

from __future__ import annotations

import click


@click.command()
@click.option("--addr", default="127.0.0.1:8000", show_default=True)
def serve(addr: str) -> None:
    """Run the web application (development server) on loopback."""
    from django.core.management import call_command

    from lakthan import config

    logins = config.home() / "demo-logins.txt"
    if logins.exists():
        for line in logins.read_text().splitlines():
            user, _, password = line.partition(" ")
            click.echo(f"demo login: {user} / {password}")
    click.echo(f"Lakthan on http://{addr}/ (data in {config.home()})")
    call_command("runserver", addr, use_reloader=False)
COMMANDS = [serve]
