"""The address plan (prefixes per unit) and the register of addresses. Every change to a registration
writes one AddressChange (what it was before and after, who, when) and an audit entry; the register
as it stood at any moment is read back from those changes (services/findings.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.inventory.models import System
from lakthan.network.engines.addresses import AddressError, normalise_mac, parse_address, parse_prefix
from lakthan.network.models import Address, AddressChange, Prefix

EDITABLE = ("address", "hostname", "mac", "unit", "owner", "system", "note")
# a change dated a little ahead of the server's clock (another machine's clock) is not "the future"
CLOCK_SLACK = timedelta(minutes=5)


def _invalid(exc: AddressError) -> InvalidInput:
    return InvalidInput(exc.th, exc.en)


# --- the plan -------------------------------------------------------------------------------------


def list_prefixes(unit: Unit | None = None, within: set[int] | None = None) -> QuerySet[Prefix]:
    """Prefixes of a unit and the units below it (``within``: only those of these units)."""
    qs = Prefix.objects.select_related("unit")
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if within is not None:
        qs = qs.filter(unit_id__in=within)
    return qs.order_by("first", "last")


def get_prefix(cidr: str) -> Prefix:
    try:
        wanted = parse_prefix(cidr).cidr
    except AddressError as exc:
        raise _invalid(exc) from None
    try:
        return Prefix.objects.select_related("unit").get(cidr=wanted)
    except Prefix.DoesNotExist:
        raise NotFound(f"ไม่มี {wanted} ในแผนหมายเลข IP", f"{wanted} is not in the address plan") from None


@transaction.atomic
def add_prefix(cidr: str, unit: Unit, purpose: str = "", actor: str = audit.SYSTEM) -> Prefix:
    """A block of the plan. Refused: the same CIDR again, and a block overlapping another unit's
    without one containing the other. A block inside another (a division's /24 in the bureau's /16)
    is the normal shape of a plan. (Two CIDR blocks either nest or do not meet, so for canonical
    prefixes the second rule guards the data rather than the user.)"""
    try:
        block = parse_prefix(cidr)
    except AddressError as exc:
        raise _invalid(exc) from None
    if Prefix.objects.filter(cidr=block.cidr).exists():
        raise InvalidInput(f"มี {block.cidr} ในแผนแล้ว", f"{block.cidr} is in the plan already")
    overlapping = (
        Prefix.objects.select_related("unit")
        .filter(first__lte=block.last, last__gte=block.first)
        .exclude(unit=unit)
    )
    for other in overlapping:
        nested = (other.first <= block.first and block.last <= other.last) or (
            block.first <= other.first and other.last <= block.last
        )
        if not nested:
            raise InvalidInput(
                f"{block.cidr} ทับซ้อนกับ {other.cidr} ของหน่วยงาน {other.unit.code}",
                f"{block.cidr} overlaps {other.cidr} of unit {other.unit.code}",
            )
    prefix = Prefix.objects.create(
        cidr=block.cidr,
        version=block.version,
        first=block.first,
        last=block.last,
        unit=unit,
        purpose=purpose.strip()[:255],
        created_by=actor or audit.SYSTEM,
    )
    audit.record(actor, "network.prefix_add", prefix, None, _prefix_state(prefix))
    return prefix


@transaction.atomic
def remove_prefix(cidr: str, actor: str = audit.SYSTEM) -> None:
    prefix = get_prefix(cidr)
    audit.record(actor, "network.prefix_remove", prefix, _prefix_state(prefix), None)
    prefix.delete()


def _prefix_state(prefix: Prefix) -> dict[str, Any]:
    return {"cidr": prefix.cidr, "unit": prefix.unit.code, "purpose": prefix.purpose}


# --- the register ---------------------------------------------------------------------------------


def state(reg: Address) -> dict[str, Any]:
    """A registration as AddressChange keeps it (``before`` and ``after``)."""
    return {
        "address": reg.address,
        "key": reg.key,
        "hostname": reg.hostname,
        "mac": reg.mac,
        "unit": reg.unit.code,
        "owner": reg.owner_id,
        "system": reg.system.code if reg.system_id is not None and reg.system is not None else None,
        "note": reg.note,
    }


def list_addresses(
    unit: Unit | None = None,
    within: set[int] | None = None,
    search: str = "",
    prefix: Prefix | None = None,
) -> QuerySet[Address]:
    """Registrations of a unit and the units below it, filtered: ``search`` in the address, host name
    or MAC; ``prefix``: the addresses inside that block."""
    qs = Address.objects.select_related("unit", "owner", "system")
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if within is not None:
        qs = qs.filter(unit_id__in=within)
    if prefix is not None:
        qs = qs.filter(key__gte=prefix.first, key__lte=prefix.last)
    if search := search.strip():
        match = Q(address__icontains=search) | Q(hostname__icontains=search)
        try:
            match |= Q(mac=normalise_mac(search))
        except AddressError:
            pass
        qs = qs.filter(match)
    return qs.order_by("key", "unit__code", "pk")


def get_address(address: str, unit: Unit) -> Address:
    """The registration of ``address`` in ``unit`` (the first, if it is registered there twice)."""
    try:
        _, key = parse_address(address)
    except AddressError as exc:
        raise _invalid(exc) from None
    found = Address.objects.select_related("unit", "owner", "system").filter(key=key, unit=unit).first()
    if found is None:
        raise NotFound(
            f"ไม่มี {address} ในทะเบียนของหน่วยงาน {unit.code}",
            f"{address} is not registered in unit {unit.code}",
        )
    return found


def _moment(at: datetime | None, reg: Address | None = None) -> datetime:
    """When the change happened: now, or a past moment for a register kept on paper and entered later;
    never in the future, never before the registration's previous change (its history stays in order)."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise InvalidInput("เวลาของการเปลี่ยนแปลงต้องระบุเขตเวลา", "the time of a change needs a time zone")
    if at > now + CLOCK_SLACK:
        raise InvalidInput(
            "เวลาของการเปลี่ยนแปลงทะเบียนอยู่ในอนาคตไม่ได้", "a change to the register cannot be in the future"
        )
    if reg is not None:
        last = (
            AddressChange.objects.filter(registration=reg)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if last is not None and at < last:
            raise InvalidInput(
                f"เวลาของการเปลี่ยนแปลง {reg.address} ต้องไม่ก่อนการเปลี่ยนแปลงครั้งก่อน",
                f"a change to {reg.address} cannot be dated before its previous change",
            )
    return at


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Refuse what cannot be kept; the address's compressed form and key, the MAC's one notation."""
    out = dict(values)
    if "address" in out:
        try:
            out["address"], out["key"] = parse_address(str(out["address"]))
        except AddressError as exc:
            raise _invalid(exc) from None
    if "mac" in out:
        try:
            out["mac"] = normalise_mac(str(out["mac"] or ""))
        except AddressError as exc:
            raise _invalid(exc) from None
    for name, limit in (("hostname", 255), ("note", 500)):
        if name in out:
            out[name] = str(out[name] or "").strip()
            if len(out[name]) > limit:
                raise InvalidInput(
                    f"{name} ยาวเกิน {limit} ตัวอักษร", f"{name} is longer than {limit} characters"
                )
    if "unit" in out and not isinstance(out["unit"], Unit):
        raise InvalidInput("ต้องระบุหน่วยงาน", "a registration needs a unit")
    if out.get("owner") is not None and not isinstance(out["owner"], Person):
        raise InvalidInput("ผู้รับผิดชอบต้องเป็นบุคคล", "the owner must be a person")
    if out.get("system") is not None and not isinstance(out["system"], System):
        raise InvalidInput("ระบบไม่ถูกต้อง", "the system must be an inventory system")
    return out


def _record(
    reg: Address | None,
    address: str,
    action: str,
    before: dict | None,
    after: dict | None,
    actor: str,
    at: datetime,
    source: str,
    audited: Address,
) -> AddressChange:
    change = AddressChange.objects.create(
        registration=reg,
        address=address,
        action=action,
        before=before,
        after=after,
        actor=actor or audit.SYSTEM,
        at=at,
        source=source[:255],
    )
    audit.record(actor, f"network.address_{action}", audited, before, after)
    return change


@transaction.atomic
def register_address(
    address: str,
    unit: Unit,
    *,
    hostname: str = "",
    mac: str = "",
    owner: Person | None = None,
    system: System | None = None,
    note: str = "",
    actor: str = audit.SYSTEM,
    at: datetime | None = None,
    source: str = "",
) -> Address:
    """Register an address in a unit. The same address may be registered twice (in two units, or by
    a slip in one): the findings name it ``duplicate_registration``. ``source``: the file an import
    came from, kept with the change."""
    values = _clean(
        {
            "address": address,
            "unit": unit,
            "hostname": hostname,
            "mac": mac,
            "owner": owner,
            "system": system,
            "note": note,
        }
    )
    moment = _moment(at)
    reg = Address.objects.create(**values, created_at=moment, updated_at=moment)
    _record(reg, reg.address, AddressChange.Action.ADD, None, state(reg), actor, moment, source, reg)
    return reg


@transaction.atomic
def update_address(
    reg: Address, actor: str = audit.SYSTEM, at: datetime | None = None, source: str = "", **fields: Any
) -> Address:
    """Change the given fields (``address, hostname, mac, unit, owner, system, note``). Nothing
    changed: no AddressChange, and the registration is returned as it was."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(
            f"แก้ไขช่อง {', '.join(sorted(unknown))} ไม่ได้", f"cannot change {', '.join(sorted(unknown))}"
        )
    reg = Address.objects.select_for_update(of=("self",)).select_related("unit", "system").get(pk=reg.pk)
    before = state(reg)
    for name, value in _clean(fields).items():
        setattr(reg, name, value)
    after = state(reg)
    if after == before:
        return reg
    moment = _moment(at, reg)
    reg.updated_at = moment
    reg.save()
    _record(reg, reg.address, AddressChange.Action.UPDATE, before, after, actor, moment, source, reg)
    return reg


@transaction.atomic
def remove_address(
    reg: Address, actor: str = audit.SYSTEM, at: datetime | None = None, source: str = ""
) -> None:
    """Take a registration out of the register; its history stays (the changes' registration is then
    empty, their address and before/after kept)."""
    reg = Address.objects.select_for_update(of=("self",)).select_related("unit", "system").get(pk=reg.pk)
    moment = _moment(at, reg)
    _record(None, reg.address, AddressChange.Action.REMOVE, state(reg), None, actor, moment, source, reg)
    reg.delete()


# --- history --------------------------------------------------------------------------------------


def list_changes(
    unit: Unit | None = None,
    since: datetime | None = None,
    within: set[int] | None = None,
    registration: Address | None = None,
) -> QuerySet[AddressChange]:
    """Changes to the register, newest first: of a unit and the units below it (the unit before or
    after the change), since a moment, of the units ``within``."""
    qs = AddressChange.objects.all()
    for ids in (unit.descendant_ids() if unit is not None else None, within):
        if ids is None:
            continue
        codes = list(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))
        qs = qs.filter(Q(after__unit__in=codes) | Q(before__unit__in=codes))
    if since is not None:
        qs = qs.filter(at__gte=since)
    if registration is not None:
        qs = qs.filter(registration=registration)
    return qs.order_by("-at", "-pk")
