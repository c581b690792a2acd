"""`lakthan problem …` (item 6): the problem log, its service levels and work calendar, and the
problem owners; the commands live in the cli_* modules of each part."""

from __future__ import annotations

import click


@click.group()
def problem() -> None:
    """Problems with the systems (item 6): the log, service levels, owners."""


COMMANDS = [problem]

from lakthan.problems import cli_sla  # noqa: E402

cli_sla.add_to(problem)
