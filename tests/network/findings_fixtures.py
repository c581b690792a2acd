"""Rows for the findings tests written straight through the ORM (the register and observation services
are another part's): prefixes, registrations with their AddressChange in the register's exact shape,
removals, and observations with their reading."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from lakthan.lib.timezones import BANGKOK
from lakthan.network.engines.addresses import normalise_mac, parse_address, parse_prefix
from lakthan.network.models import Address, AddressChange, Observation, ObservationImport, Prefix

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def bangkok(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BANGKOK)


def prefix(cidr: str, unit, purpose: str = "") -> Prefix:
    r = parse_prefix(cidr)
    return Prefix.objects.create(
        cidr=r.cidr, version=r.version, first=r.first, last=r.last, unit=unit, purpose=purpose, created_by="t"
    )


def state_of(reg: Address) -> dict:
    """The ``after`` dict of the register's contract."""
    return {
        "address": reg.address,
        "key": reg.key,
        "hostname": reg.hostname,
        "mac": reg.mac,
        "unit": reg.unit.code,
        "owner": reg.owner_id,
        "system": reg.system.code if reg.system_id else None,
        "note": reg.note,
    }


def register(address: str, unit, *, hostname: str = "", mac: str = "", at: datetime = T0) -> Address:
    text, key = parse_address(address)
    reg = Address.objects.create(
        address=text,
        key=key,
        hostname=hostname,
        mac=normalise_mac(mac),
        unit=unit,
        created_at=at,
        updated_at=at,
    )
    AddressChange.objects.create(
        registration=reg, address=text, action="add", before=None, after=state_of(reg), actor="t", at=at
    )
    return reg


def update(reg: Address, at: datetime, **fields) -> Address:
    before = state_of(reg)
    for name, value in fields.items():
        setattr(reg, name, normalise_mac(value) if name == "mac" else value)
    reg.updated_at = at
    reg.save()
    AddressChange.objects.create(
        registration=reg,
        address=reg.address,
        action="update",
        before=before,
        after=state_of(reg),
        actor="t",
        at=at,
    )
    return reg


def remove(reg: Address, at: datetime) -> None:
    """As the register removes: the change written, the registration deleted (its changes unlinked)."""
    AddressChange.objects.create(
        registration=reg,
        address=reg.address,
        action="remove",
        before=state_of(reg),
        after=None,
        actor="t",
        at=at,
    )
    reg.delete()


def reading(kind: str = "dhcpd", at: datetime = T0) -> ObservationImport:
    return ObservationImport.objects.create(kind=kind, source=f"/tmp/{kind}", actor="t", at=at)


def seen(
    address: str,
    first: datetime,
    last: datetime | None = None,
    *,
    mac: str = "",
    kind: str = "dhcpd",
    state: str = "active",
    hostname: str = "",
    source: ObservationImport | None = None,
) -> Observation:
    text, key = parse_address(address)
    source = source or reading(kind)
    return Observation.objects.create(
        kind=kind,
        source=source.source,
        address=text,
        key=key,
        mac=normalise_mac(mac),
        hostname=hostname,
        state=state,
        first_seen=first,
        last_seen=last or first,
        reading=source,
    )
