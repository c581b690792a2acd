"""The hosts expected to send logs (kept together so they can move to a shared inventory)."""

from __future__ import annotations

import ipaddress

from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.core.services import get_unit
from lakthan.monitoring.models import Host


@transaction.atomic
def add_host(
    name: str, unit_code: str, addresses=(), role: str = "", expected_sources=(), actor=audit.SYSTEM
) -> Host:
    name = (name or "").strip()
    if not name or any(c.isspace() for c in name) or len(name) > 255:
        raise InvalidInput(
            f"ชื่อเครื่อง '{name}' ไม่ถูกต้อง", f"host name '{name}' is invalid (no spaces, at most 255)"
        )
    if Host.objects.filter(name=name).exists():
        raise InvalidInput(f"มีเครื่อง {name} อยู่แล้ว", f"host {name} already exists")
    for a in addresses:
        try:
            ipaddress.ip_address(a)
        except ValueError:
            raise InvalidInput(f"ที่อยู่ IP '{a}' ไม่ถูกต้อง", f"address '{a}' is not an IP address") from None
    host = Host.objects.create(
        name=name,
        unit=get_unit(unit_code),
        addresses=list(addresses),
        role=role,
        expected_sources=list(expected_sources),
    )
    audit.record(actor, "loghost.add", host)
    return host


def hosts_of(unit: Unit | None) -> list[Host]:
    qs = Host.objects.select_related("unit")
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    return list(qs)


def hosts_in_units(unit_ids: set[int] | None) -> list[Host]:
    """The hosts of these units (None: every host), as access.visible_unit_ids gives them."""
    qs = Host.objects.select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return list(qs)


def sender_names(hosts: list[Host]) -> set[str]:
    """Every name events of these hosts may carry: the host names and their addresses."""
    return {h.name for h in hosts} | {a for h in hosts for a in h.addresses}
