"""`lakthan ops …` (items 4 and 8): probes and availability, websites, systems in use at every unit;
the commands live in the cli_* modules of each part."""

from __future__ import annotations

import click

from lakthan.operations import cli_probes, cli_sites, cli_usage


@click.group()
def ops() -> None:
    """Services, websites and systems in use (items 4 and 8): probes, availability, site checks, usage."""


cli_probes.add_to(ops)
cli_sites.add_to(ops)
cli_usage.add_to(ops)

COMMANDS = [ops]
