"""`lakthan data …` (item 5): datasets, their freshness and quality; the commands live in the cli_*
modules of each part."""

from __future__ import annotations

import click


@click.group()
def data() -> None:
    """Data kept current (item 5): datasets, freshness, quality checks."""


COMMANDS = [data]

from lakthan.data import cli_freshness  # noqa: E402

cli_freshness.add_to(data)

from lakthan.data import cli_datasets  # noqa: E402

cli_datasets.add_to(data)
