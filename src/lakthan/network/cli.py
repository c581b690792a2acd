"""`lakthan net …` (item 9): the address plan and register, what the network did, and the findings;
the commands live in the cli_* modules of each part."""

from __future__ import annotations

import click


@click.group()
def net() -> None:
    """Network and IP addresses (item 9): the plan, the register, leases and ARP, findings."""


COMMANDS = [net]

from lakthan.network import cli_findings  # noqa: E402

cli_findings.add_to(net)
