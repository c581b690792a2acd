"""`lakthan problem …` (item 6): the problem log, its service levels and work calendar, and the
problem owners; the commands live in the cli_* modules of each part."""

from __future__ import annotations

import click

from lakthan.problems import cli_log, cli_owners, cli_sla


@click.group()
def problem() -> None:
    """Problems with the systems (item 6): the log, service levels, owners."""


cli_log.add_to(problem)
cli_owners.add_to(problem)
cli_sla.add_to(problem)

COMMANDS = [problem]
