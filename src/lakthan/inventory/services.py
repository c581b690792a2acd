"""Inventory services: every change to a system or a host goes through here, validated and audited."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.inventory.models import Host, System
from lakthan.lib.text import clean_line, clean_text

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
# as monitoring names its hosts today: anything without spaces, control characters or "/", at most 255
HOST_RE = re.compile(r"^[^\s/\x00-\x1f\x7f]{1,255}$")
SYSTEM_FIELDS = ("name_th", "name_en", "unit", "owner", "klass", "criticality", "description", "active")
HOST_FIELDS = ("addresses", "unit", "systems", "role")


# --- systems ------------------------------------------------------------------------------------


def get_system(code: str) -> System:
    try:
        return System.objects.select_related("unit", "owner").get(code=code)
    except System.DoesNotExist:
        raise NotFound(f"ไม่พบระบบสารสนเทศรหัส {code}", f"no information system with code {code}") from None


def _in_units(qs: QuerySet, unit: Unit | None, within: set[int] | None) -> QuerySet:
    """``unit``: that unit and every unit below it; ``within``: the unit ids a caller may see (None: all)."""
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if within is not None:
        qs = qs.filter(unit_id__in=within)
    return qs


def list_systems(unit: Unit | None = None, within: set[int] | None = None) -> QuerySet[System]:
    return _in_units(System.objects.select_related("unit", "owner"), unit, within)


def _clean_system(values: dict) -> dict:
    if "name_th" in values:
        values["name_th"] = clean_line(values["name_th"])
        if not values["name_th"]:
            raise InvalidInput("ต้องระบุชื่อระบบภาษาไทย", "the Thai name of the system is required")
    if "name_en" in values:
        values["name_en"] = clean_line(values["name_en"])
    if "description" in values:
        values["description"] = clean_text(values["description"])
    if "klass" in values and values["klass"] not in System.Klass.values:
        raise InvalidInput(
            f"ประเภทระบบ '{values['klass']}' ไม่ถูกต้อง (intranet หรือ internet)",
            f"class '{values['klass']}' must be intranet or internet",
        )
    if "criticality" in values:
        level = values["criticality"]
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            raise InvalidInput(
                f"ระดับความสำคัญ '{level}' ไม่ถูกต้อง (๑ ถึง ๕)", f"criticality '{level}' must be 1 to 5"
            )
    if "unit" in values and not isinstance(values["unit"], Unit):
        raise InvalidInput("ต้องระบุหน่วยงาน", "the unit is required")
    if values.get("owner") is not None and not isinstance(values["owner"], Person):
        raise InvalidInput("ผู้รับผิดชอบต้องเป็นบุคคลในทะเบียน", "the owner must be a person")
    return values


@transaction.atomic
def add_system(
    code: str,
    *,
    name_th: str,
    unit: Unit,
    klass: str,
    name_en: str = "",
    owner: Person | None = None,
    criticality: int = 3,
    description: str = "",
    actor: str = audit.SYSTEM,
) -> System:
    if not CODE_RE.match(code or ""):
        raise InvalidInput(
            f"รหัสระบบ '{code}' ไม่ถูกต้อง (ตัวอักษรอังกฤษ ตัวเลข . _ - ไม่เกิน ๘๐ ตัว)",
            f"system code '{code}' is invalid (letters, digits, . _ -, at most 80)",
        )
    if System.objects.filter(code=code).exists():
        raise InvalidInput(f"มีระบบรหัส {code} อยู่แล้ว", f"an information system with code {code} already exists")
    values = _clean_system(
        {
            "name_th": name_th,
            "name_en": name_en,
            "unit": unit,
            "owner": owner,
            "klass": klass,
            "criticality": criticality,
            "description": description,
        }
    )
    system = System.objects.create(code=code, **values)
    audit.record(actor, "inventory.system.add", system)
    return system


@transaction.atomic
def update_system(system: System, *, actor: str = audit.SYSTEM, **changes) -> System:
    """Changes any of SYSTEM_FIELDS; the code never changes (other apps' records are named by it)."""
    values = _clean_system(_only(changes, SYSTEM_FIELDS))
    return _changed(system, values, "inventory.system.update", actor)


def _only(changes: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput(
            f"แก้ไขไม่ได้: {', '.join(sorted(unknown))}", f"cannot change: {', '.join(sorted(unknown))}"
        )
    return dict(changes)


def _changed(record, values: dict, action: str, actor: str, systems: list[System] | None = None):
    """Writes ``values`` to the locked row (and a host's whole set of ``systems``), audited."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    before = audit.snapshot(record)
    for field, value in values.items():
        setattr(record, field, value)
    record.save()
    if systems is not None:
        record.systems.set(systems)
    audit.record(actor, action, record, before)
    return record


# --- hosts --------------------------------------------------------------------------------------


def get_host(name: str) -> Host:
    try:
        return Host.objects.select_related("unit").get(name=name)
    except Host.DoesNotExist:
        raise NotFound(f"ไม่พบเครื่องชื่อ {name}", f"no host named {name}") from None


def list_hosts(
    unit: Unit | None = None, within: set[int] | None = None, system: System | None = None
) -> QuerySet[Host]:
    qs = _in_units(Host.objects.select_related("unit").prefetch_related("systems"), unit, within)
    return qs.filter(systems=system) if system is not None else qs


def clean_addresses(addresses: Iterable[str]) -> list[str]:
    """IPv4 or IPv6 addresses in their canonical text, each once, in the order given."""
    found: list[str] = []
    for raw in addresses:
        text = str(raw).strip()
        try:
            address = str(ipaddress.ip_address(text))
        except ValueError:
            raise InvalidInput(f"ที่อยู่ IP '{text}' ไม่ถูกต้อง", f"'{text}' is not an IP address") from None
        if address not in found:
            found.append(address)
    return found


def _clean_host(values: dict) -> dict:
    if "addresses" in values:
        if isinstance(values["addresses"], str):
            raise InvalidInput("ที่อยู่ IP ต้องเป็นรายการ", "addresses must be a list")
        values["addresses"] = clean_addresses(values["addresses"] or [])
    if "role" in values:
        values["role"] = (values["role"] or "").strip()
        if len(values["role"]) > 120:
            raise InvalidInput("บทบาทของเครื่องยาวเกิน ๑๒๐ ตัวอักษร", "the role is longer than 120 characters")
    if "unit" in values and not isinstance(values["unit"], Unit):
        raise InvalidInput("ต้องระบุหน่วยงาน", "the unit is required")
    if "systems" in values:
        values["systems"] = list(values["systems"] or [])
        if not all(isinstance(s, System) for s in values["systems"]):
            raise InvalidInput("ระบบต้องอยู่ในทะเบียนระบบสารสนเทศ", "systems must be inventory systems")
    return values


@transaction.atomic
def add_host(
    name: str,
    *,
    unit: Unit,
    addresses: Iterable[str] = (),
    systems: Iterable[System] = (),
    role: str = "",
    actor: str = audit.SYSTEM,
) -> Host:
    if not HOST_RE.match(name or ""):
        raise InvalidInput(
            f"ชื่อเครื่อง '{name}' ไม่ถูกต้อง (ห้ามมีช่องว่างหรือ / ไม่เกิน ๒๕๕ ตัว)",
            f"host name '{name}' is invalid (no spaces or /, at most 255)",
        )
    if Host.objects.filter(name=name).exists():
        raise InvalidInput(f"มีเครื่องชื่อ {name} อยู่แล้ว", f"a host named {name} already exists")
    values = _clean_host({"unit": unit, "addresses": addresses, "systems": systems, "role": role})
    chosen = values.pop("systems")
    host = Host.objects.create(name=name, **values)
    host.systems.set(chosen)
    audit.record(actor, "inventory.host.add", host)
    return host


@transaction.atomic
def update_host(host: Host, *, actor: str = audit.SYSTEM, **changes) -> Host:
    """Changes any of HOST_FIELDS (``systems`` replaces the whole set); the name never changes."""
    values = _clean_host(_only(changes, HOST_FIELDS))
    systems = values.pop("systems", None)
    return _changed(host, values, "inventory.host.update", actor, systems=systems)


# --- where a system is installed (item 4) ---------------------------------------------------------


def _codes(units: Iterable[Unit]) -> list[str]:
    return sorted(u.code for u in units)


@transaction.atomic
def set_installed_at(system: System, units: Iterable[Unit], actor: str = audit.SYSTEM) -> System:
    """Declares the units and checkpoints where ``system`` is installed and meant to be used: the whole
    set is replaced (``units`` may be empty), audited with the unit codes before and after."""
    chosen = list(dict.fromkeys(units))
    if not all(isinstance(u, Unit) for u in chosen):
        raise InvalidInput("หน่วยที่ติดตั้งต้องเป็นหน่วยงานในทะเบียน", "installed units must be units")
    system = System.objects.select_for_update().get(pk=system.pk)
    before = _codes(system.installed_at.all())
    system.installed_at.set(chosen)
    after = _codes(chosen)
    if before != after:
        audit.record(
            actor,
            "inventory.system.installed_at",
            system,
            {"installed_at": before},
            after={"code": system.code, "installed_at": after},
        )
    return system


def installations(system: System) -> set[Unit]:
    """The units where ``system`` is installed: declared (``installed_at``) or running one of its hosts
    (``Host.systems``)."""
    declared = set(system.installed_at.all())
    hosting = set(Unit.objects.filter(hosts__systems=system).distinct())
    return declared | hosting
