"""`lakthan net observe --dhcp-leases FILE | --kea-leases FILE | --arp FILE [--at ISO] | --from-logs`:
read what the network did, and say what was read and added."""

from __future__ import annotations

from pathlib import Path

import click

from lakthan.cli_common import console
from lakthan.core.errors import InvalidInput

ACTOR = "cli"
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("observe")
@click.option("--dhcp-leases", "dhcpd", type=FILE, default=None, help="ISC dhcpd.leases")
@click.option("--kea-leases", "kea", type=FILE, default=None, help="Kea lease CSV (v4 or v6)")
@click.option("--arp", type=FILE, default=None, help="ip neigh / arp -an output")
@click.option("--at", default=None, help="when the ARP table was taken (ISO-8601; default: the file's time)")
@click.option("--from-logs", "from_logs", is_flag=True, help="the senders the usage logs saw")
def observe(dhcpd, kea, arp, at, from_logs) -> None:
    """Read one source of what the network did into observations (a file read twice adds nothing)."""
    from lakthan.network.cli_register import _instant
    from lakthan.network.services import observe as service

    given = [
        name for name, value in (("--dhcp-leases", dhcpd), ("--kea-leases", kea), ("--arp", arp)) if value
    ]
    if from_logs:
        given.append("--from-logs")
    if len(given) != 1:
        raise InvalidInput(
            "ระบุแหล่งเดียว: --dhcp-leases FILE, --kea-leases FILE, --arp FILE หรือ --from-logs",
            "give one source: --dhcp-leases FILE, --kea-leases FILE, --arp FILE or --from-logs",
        )
    if at is not None and arp is None:
        raise InvalidInput("--at ใช้กับ --arp เท่านั้น", "--at goes with --arp only")
    if dhcpd:
        reading = service.observe_dhcpd(dhcpd, actor=ACTOR)
    elif kea:
        reading = service.observe_kea(kea, actor=ACTOR)
    elif arp:
        reading = service.observe_arp(arp, actor=ACTOR, at=_instant(at, "--at") if at else None)
    else:
        reading = service.observe_logs(actor=ACTOR)
    from django.conf import settings

    thai = settings.LAKTHAN_LANG.startswith("th")
    for th, en in service.problems_of(reading):
        console.print(f"[yellow]skipped:[/yellow] {th if thai else en}", highlight=False, soft_wrap=True)
    console.print(
        f"{reading.kind} {reading.source}: read {reading.read}, added {reading.observations}"
        + (f", {len(service.problems_of(reading))} skipped" if service.problems_of(reading) else ""),
        highlight=False,
        soft_wrap=True,
    )


def add_to(net: click.Group) -> None:
    net.add_command(observe)
