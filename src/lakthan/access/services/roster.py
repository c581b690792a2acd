"""The HR roster: an import is validated whole (the engine), then applied in one transaction. A person
absent from a file is left as they were (an HR extract may cover part of the agency); every state a
person is imported in that differs from the one before is kept as an EmployeeRecord."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from lakthan.access.engines.roster import RosterRejected, RosterRow, parse_roster
from lakthan.access.models import Employee, EmployeeRecord, RosterImport
from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person, Unit

FIELDS = ("title", "first_name", "last_name", "position", "status", "effective_date")
SHOWN_PROBLEMS = 5


class RosterRefused(InvalidInput):
    """A roster file refused; ``problems`` names every bad row found (the message, the first few)."""

    def __init__(self, message_th: str, message_en: str, problems: list):
        super().__init__(message_th, message_en)
        self.problems = problems


def import_roster(data: bytes, file_name: str, actor: str = audit.SYSTEM) -> RosterImport:
    units = dict(Unit.objects.values_list("code", "pk"))
    try:
        rows, _encoding = parse_roster(data, set(units))
    except RosterRejected as exc:
        shown = exc.problems[:SHOWN_PROBLEMS]
        more = len(exc.problems) - len(shown)
        tail_th, tail_en = (f" (และอีก {more} ข้อ)", f" (and {more} more)") if more else ("", "")
        raise RosterRefused(
            f"ไม่นำเข้าทะเบียนบุคลากร {file_name}: " + "; ".join(p.message_th for p in shown) + tail_th,
            f"roster {file_name} not imported: " + "; ".join(p.message_en for p in shown) + tail_en,
            exc.problems,
        ) from None
    return _apply(rows, units, data, file_name, actor)


def _values(row: RosterRow, units: dict[str, int]) -> dict:
    return {**{f: getattr(row, f) for f in FIELDS}, "unit_id": units[row.unit]}


@transaction.atomic
def _apply(
    rows: list[RosterRow], units: dict[str, int], data: bytes, file_name: str, actor: str
) -> RosterImport:
    record = RosterImport.objects.create(
        at=timezone.now(),
        actor=actor,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len(rows),
    )
    known = {e.employee_id: e for e in Employee.objects.all()}  # the roster is the agency: it fits
    new, changed, history = [], [], []
    for row in rows:
        values = _values(row, units)
        employee = known.get(row.employee_id)
        if employee is None:
            employee = Employee(employee_id=row.employee_id, **values)
            new.append(employee)
        elif any(getattr(employee, f) != v for f, v in values.items()):
            for field, value in values.items():
                setattr(employee, field, value)
            changed.append(employee)
        else:
            continue
        history.append((employee, values))
    Employee.objects.bulk_create(new, batch_size=2000)
    Employee.objects.bulk_update(changed, [*FIELDS, "unit_id"], batch_size=2000)
    if new:  # primary keys of the new rows (not every backend returns them from a bulk insert)
        ids = dict(Employee.objects.values_list("employee_id", "pk"))
        for employee in new:
            employee.pk = ids[employee.employee_id]
    record.added, record.changed, record.unchanged = (
        len(new),
        len(changed),
        len(rows) - len(new) - len(changed),
    )
    records = [EmployeeRecord(employee=e, roster_import=record, **values) for e, values in history]
    EmployeeRecord.objects.bulk_create(records, batch_size=2000)
    record.save()
    audit.record(actor, "access.roster.import", record)
    return record


@transaction.atomic
def link_employee_to_person(employee: Employee, person: Person | None, actor: str = audit.SYSTEM) -> Employee:
    """The roster's person is this person of Lakthan (their sign-in account, unit head or system owner
    roles follow): what lets a review refuse a self-review and Lakthan's own users carry an employee id.
    None undoes it. A person is one employee at most."""
    if person is not None:
        other = Employee.objects.filter(person=person).exclude(pk=employee.pk).first()
        if other is not None:
            raise InvalidInput(
                f"บุคคลหมายเลข {person.pk} ผูกกับรหัสพนักงาน {other.employee_id} อยู่แล้ว",
                f"person #{person.pk} is already linked to employee id {other.employee_id}",
            )
    before = audit.snapshot(employee)
    employee.person = person
    employee.save(update_fields=["person"])
    audit.record(actor, "access.employee.link_person", employee, before)
    return employee
