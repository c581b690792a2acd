"""`lakthan risk …` (the register, its matrix and heat map) and `lakthan bcp …` (continuity targets,
scenarios, the plan, drills and incidents)."""

from __future__ import annotations

import click


@click.group()
def risk() -> None:
    """The IT risk register (item 3): risks per system and unit on the risk matrix."""


@click.group()
def bcp() -> None:
    """Business continuity (item 3): recovery targets, crisis scenarios, the plan, drills and incidents."""


from lakthan.risks import cli_drills  # noqa: E402

cli_drills.add_to(bcp)

COMMANDS = [risk, bcp]
