"""The hosts expected to send logs: the inventory's hosts (lakthan.inventory), read for coverage and
scope. Monitoring keeps no list of its own."""

from __future__ import annotations

from collections.abc import Iterable

from lakthan.core import audit
from lakthan.core.models import Unit
from lakthan.core.services import get_unit
from lakthan.inventory import services as inventory
from lakthan.inventory.models import Host


def add_host(
    name: str, unit_code: str, addresses: Iterable[str] = (), role: str = "", actor: str = audit.SYSTEM
) -> Host:
    """`lakthan logs host add`, kept for the scripts written against it: adds the host to the inventory."""
    return inventory.add_host(name, unit=get_unit(unit_code), addresses=addresses, role=role, actor=actor)


def hosts_of(unit: Unit | None) -> list[Host]:
    return list(inventory.list_hosts(unit=unit).order_by("name"))


def hosts_in_units(unit_ids: set[int] | None) -> list[Host]:
    """The hosts of these units (None: every host), as access.visible_unit_ids gives them."""
    return list(inventory.list_hosts(within=unit_ids).order_by("name"))


def sender_names(hosts: list[Host]) -> set[str]:
    """Every name events of these hosts may carry: the host names and their addresses."""
    return {h.name for h in hosts} | {a for h in hosts for a in h.addresses}
