"""`lakthan risk …` (the register, its matrix and heat map) and `lakthan bcp …` (continuity targets,
scenarios, the plan, drills and incidents); the commands live in the cli_* modules of each part."""

from __future__ import annotations

import click

from lakthan.risks import cli_continuity, cli_drills
from lakthan.risks.cli_heatmap import heatmap_command, trend_command
from lakthan.risks.cli_register import add_register_commands


@click.group()
def risk() -> None:
    """The IT risk register (item 3): risks per system and unit on the risk matrix."""


@click.group()
def bcp() -> None:
    """Business continuity (item 3): recovery targets, crisis scenarios, the plan, drills and incidents."""


add_register_commands(risk)
risk.add_command(heatmap_command)
risk.add_command(trend_command)
for _command in cli_continuity.COMMANDS:
    bcp.add_command(_command)
cli_drills.add_to(bcp)

COMMANDS = [risk, bcp]
