"""`lakthan net …` (item 9): the address plan and register, what the network did, and the findings;
the commands live in the cli_* modules of each part."""

from __future__ import annotations

import click

from lakthan.network import cli_findings, cli_observe, cli_register


@click.group()
def net() -> None:
    """Network and IP addresses (item 9): the plan, the register, leases and ARP, findings."""


cli_register.add_to(net)
cli_observe.add_to(net)
cli_findings.add_to(net)

COMMANDS = [net]
