"""`lakthan committee …` (item 7): the IT committee, its members, meetings and resolutions."""

from __future__ import annotations

import click

from lakthan.committees import cli_committee


@click.group()
def committee() -> None:
    """The IT management and procurement committee (item 7)."""


cli_committee.add_to(committee)

COMMANDS = [committee]
