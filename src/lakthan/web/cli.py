"""`lakthan serve`"""

from __future__ import annotations

import click


@click.command()
@click.option("--addr", default="127.0.0.1:8000", show_default=True)
def serve(addr: str) -> None:
    """Run the web application (development server) on loopback."""
    from django.core.management import call_command

    call_command("runserver", addr, use_reloader=False)
