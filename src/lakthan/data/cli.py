"""`lakthan data …` (item 5): datasets, their freshness and quality; the commands live in the cli_*
modules of each part."""

from __future__ import annotations

import click

from lakthan.data import cli_datasets, cli_freshness


@click.group()
def data() -> None:
    """Data kept current (item 5): datasets, freshness, quality checks."""


cli_datasets.add_to(data)
cli_freshness.add_to(data)

COMMANDS = [data]
