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


from lakthan.risks import cli_continuity  # noqa: E402 — the targets, scenarios and plan commands

for _command in cli_continuity.COMMANDS:
    bcp.add_command(_command)
from lakthan.risks.cli_heatmap import heatmap_command, trend_command  # noqa: E402

risk.add_command(heatmap_command)
risk.add_command(trend_command)

COMMANDS = [risk, bcp]
