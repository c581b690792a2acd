"""The register to and from CSV (the layout of engines/register_csv.py). An import is judged whole
before anything is applied: every bad row is named as ``file:line (column): what``, and then nothing
changes. A row whose address is registered in its unit already updates that registration where a value
differs; an identical file imported again changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lakthan.core import audit, bulk
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person, Unit
from lakthan.core.people import NOT_FOUND, People
from lakthan.inventory.models import System
from lakthan.network.engines import register_csv as sheet
from lakthan.network.models import Address, AddressChange
from lakthan.network.services import register

BATCH = 500


class ImportRejected(InvalidInput):
    """A file refused whole; ``lines`` names each bad row (file:line (column): why)."""

    def __init__(self, rejected: sheet.CsvRejected):
        self.lines_th = rejected.lines("th")
        self.lines_en = rejected.lines("en")
        count = len(rejected.problems)
        super().__init__(
            f"ไม่นำเข้า {rejected.filename}: พบข้อผิดพลาด {count} รายการ — {'; '.join(self.lines_th)}",
            f"{rejected.filename} not imported: {count} problem(s) — {'; '.join(self.lines_en)}",
        )

    def lines(self, lang: str = "th") -> list[str]:
        return self.lines_th if lang.startswith("th") else self.lines_en


@dataclass(frozen=True)
class ImportResult:
    filename: str
    rows: int
    added: int
    changed: int
    unchanged: int


def import_addresses(path: Path, actor: str = audit.SYSTEM, within: set[int] | None = None) -> ImportResult:
    """`lakthan net address import FILE.csv`."""
    return import_addresses_data(Path(path).read_bytes(), Path(path).name, actor=actor, within=within)


def import_addresses_data(
    data: bytes, filename: str, *, actor: str = audit.SYSTEM, within: set[int] | None = None
) -> ImportResult:
    """Apply a register file. ``within``: the unit ids the actor may change (None: every unit)."""
    try:
        rows, problems = sheet.parse_addresses(data, filename)
    except sheet.CsvRejected as exc:
        raise ImportRejected(exc) from None
    units = {u.code: u for u in Unit.objects.all()}
    systems = {s.code: s for s in System.objects.all()}
    people = People.load()
    existing: dict[tuple[str, int], list[Address]] = {}
    for known in Address.objects.select_related("unit", "system").filter(
        key__in={r.key for r in rows if r.key}
    ):
        existing.setdefault((known.key, known.unit_id), []).append(known)
    planned: list[tuple[Address | None, dict]] = []
    for row in rows:
        fields = _fields(row, units, systems, people, existing, within, problems)
        if fields is not None:
            found = existing.get((row.key, fields["unit"].pk), [])
            planned.append((found[0] if found else None, fields))
    if problems:
        problems.sort(key=lambda p: p.line)  # stable: a row's problems keep their column order
        raise ImportRejected(sheet.CsvRejected(filename, problems))
    with transaction.atomic():
        added, changed = _apply(planned, filename, actor, timezone.now())
        audit.record_event(
            actor,
            "network.address_import",
            "network.addresschange",
            filename,
            {
                "filename": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": len(rows),
                "added": added,
                "changed": changed,
            },
        )
    return ImportResult(filename, len(rows), added, changed, len(rows) - added - changed)


def _apply(
    planned: list[tuple[Address | None, dict]], filename: str, actor: str, moment: datetime
) -> tuple[int, int]:
    """The planned rows written set-based: new registrations and changed ones in batches, and one
    AddressChange each with exactly what ``register.state`` keeps (the import as a whole is one audit
    entry; the changes name the file as their source). Rows that change nothing write nothing."""
    new: list[Address] = []
    updated: list[tuple[Address, dict]] = []
    for reg, fields in planned:
        if reg is None:
            new.append(
                Address(
                    **fields,
                    created_at=moment,
                    updated_at=moment,
                )
            )
        elif _differs(reg, fields):
            before = register.state(reg)
            for name in ("hostname", "mac", "owner", "system", "note"):
                setattr(reg, name, fields[name])
            reg.updated_at = moment
            updated.append((reg, before))
    Address.objects.bulk_create(new, batch_size=BATCH)
    # an upsert on the primary key: one statement a thousand rows (bulk_update's CASE per row is slow)
    bulk.upsert(
        Address,
        [
            {
                "id": reg.pk,
                "address": reg.address,
                "key": reg.key,
                "hostname": reg.hostname,
                "mac": reg.mac,
                "unit": reg.unit_id,
                "owner": reg.owner_id,
                "system": reg.system_id,
                "note": reg.note,
                "created_at": reg.created_at,
                "updated_at": reg.updated_at,
            }
            for reg, _ in updated
        ],
        ("id",),
        set_fields=("hostname", "mac", "owner", "system", "note", "updated_at"),
    )
    change = {"actor": actor or audit.SYSTEM, "at": moment, "source": filename[:255]}
    AddressChange.objects.bulk_create(
        [
            AddressChange(
                registration=reg,
                address=reg.address,
                action=AddressChange.Action.ADD,
                before=None,
                after=register.state(reg),
                **change,
            )
            for reg in new
        ]
        + [
            AddressChange(
                registration=reg,
                address=reg.address,
                action=AddressChange.Action.UPDATE,
                before=before,
                after=register.state(reg),
                **change,
            )
            for reg, before in updated
        ],
        batch_size=BATCH,
    )
    return len(new), len(updated)


def _differs(reg: Address, fields: dict) -> bool:
    """Whether applying ``fields`` would change the registration (read without a query)."""
    return (
        reg.hostname != fields["hostname"]
        or reg.mac != fields["mac"]
        or reg.owner_id != (fields["owner"].pk if fields["owner"] else None)
        or reg.system_id != (fields["system"].pk if fields["system"] else None)
        or reg.note != fields["note"]
    )


def _fields(
    row: sheet.AddressRow,
    units: dict[str, Unit],
    systems: dict[str, System],
    people: People,
    existing: dict[tuple[str, int], list[Address]],
    within: set[int] | None,
    problems: list[sheet.Problem],
) -> dict | None:
    before = len(problems)

    def bad(column: str, th: str, en: str) -> None:
        problems.append(sheet.Problem(row.line, column, th, en))

    unit = units.get(row.unit) if row.unit else None
    if row.unit and unit is None:
        bad("unit", f"ไม่พบหน่วยงานรหัส {row.unit}", f"no unit with code {row.unit}")
    elif unit is not None and within is not None and unit.pk not in within:
        bad(
            "unit",
            f"ไม่มีสิทธิ์แก้ไขทะเบียนของหน่วยงาน {row.unit}",
            f"you may not change the register of unit {row.unit}",
        )
    owner = None
    if row.owner:
        found = people.find(row.owner)
        if isinstance(found, Person):
            owner = found
        else:
            th, en = NOT_FOUND[found]
            bad("owner", f"{th} {row.owner}", f"{en} {row.owner}")
    system = None
    if row.system:
        system = systems.get(row.system)
        if system is None:
            bad("system", f"ไม่พบระบบรหัส {row.system}", f"no system with code {row.system}")
    if unit is not None and row.key and len(existing.get((row.key, unit.pk), [])) > 1:
        bad(
            "address",
            f"{row.address} ลงทะเบียนในหน่วยงาน {row.unit} ไว้มากกว่าหนึ่งรายการ ให้ลบรายการที่ซ้ำก่อน",
            f"{row.address} is registered more than once in unit {row.unit}: remove the duplicate first",
        )
    if len(problems) > before or unit is None or not row.key:
        return None
    return {
        "address": row.address,
        "key": row.key,
        "unit": unit,
        "hostname": row.hostname,
        "mac": row.mac,
        "owner": owner,
        "system": system,
        "note": row.note,
    }


def export_addresses(unit: Unit | None = None, within: set[int] | None = None) -> bytes:
    """The register (of a unit and the units below it) as the CSV import reads back unchanged."""
    people = People.load()
    rows = [
        {
            "address": reg.address,
            "hostname": reg.hostname,
            "mac": reg.mac,
            "unit": reg.unit.code,
            "owner": people.text_of(people.by_id.get(reg.owner_id)) if reg.owner_id else "",
            "system": reg.system.code if reg.system is not None else "",
            "note": reg.note,
        }
        for reg in register.list_addresses(unit=unit, within=within)
    ]
    return sheet.write_addresses(rows)
