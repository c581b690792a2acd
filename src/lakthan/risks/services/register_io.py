"""The register to and from XLSX (the layout of engines/register_xlsx.py). An import is judged whole
before anything is applied: every bad row is named by file:row and column, and then nothing changes."""

from __future__ import annotations

import hashlib

from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person, Unit
from lakthan.core.people import NOT_FOUND, People, person_text
from lakthan.inventory.models import System
from lakthan.risks.engines import register_xlsx as sheet
from lakthan.risks.engines.matrix import Matrix
from lakthan.risks.models import Risk, RiskImport
from lakthan.risks.services import register


class ImportRejected(InvalidInput):
    """A register refused whole; ``lines`` names each bad row (file:row (column): why)."""

    def __init__(self, rejected: sheet.RegisterRejected):
        self.lines_th = rejected.lines("th")
        self.lines_en = rejected.lines("en")
        count = len(rejected.problems)
        super().__init__(
            f"ไม่นำเข้า {rejected.filename}: พบข้อผิดพลาด {count} รายการ — {'; '.join(self.lines_th)}",
            f"{rejected.filename} not imported: {count} problem(s) — {'; '.join(self.lines_en)}",
        )

    def lines(self, lang: str = "th") -> list[str]:
        return self.lines_th if lang.startswith("th") else self.lines_en


def import_register(data: bytes, filename: str, *, actor: str, within: set[int] | None = None) -> RiskImport:
    """Apply a register sheet: rows with the ref of an existing risk change it (reason "import FILE"),
    others add a risk. ``within``: the unit ids the actor may manage (None: every unit)."""
    try:
        rows, problems = sheet.parse_register(data, filename)
    except sheet.RegisterRejected as exc:
        raise ImportRejected(exc) from None
    _, active = register.active_matrix()
    units = {u.code: u for u in Unit.objects.all()}
    systems = {s.code: s for s in System.objects.select_related("unit")}
    people = People.load()
    existing = {
        r.ref: r
        for r in Risk.objects.select_related("unit", "system", "matrix").filter(
            ref__in=[r.ref for r in rows if r.ref]
        )
    }
    planned: list[tuple[sheet.RegisterRow, Risk | None, dict]] = []
    for row in rows:
        fields = _fields(row, units, systems, people, existing, active, within, problems)
        if fields is not None:
            planned.append((row, existing.get(row.ref), fields))
    if problems:
        problems.sort(key=lambda p: p.row)  # stable: a row's problems keep their column order
        raise ImportRejected(sheet.RegisterRejected(filename, problems))
    reason = f"import {filename}"
    added = changed = 0
    with transaction.atomic():
        for row, risk, fields in planned:
            closed = fields.pop("closed", None)
            if risk is None:
                fields.setdefault("treatment_status", Risk.TreatmentStatus.PLANNED)
                risk = register.add_risk(**fields, ref=row.ref or None, actor=actor, reason=reason)
                added += 1
                if closed:
                    register.update_risk(risk, actor=actor, reason=reason, closed=True)
                continue
            if closed is not None:
                fields["closed"] = closed
            before = risk.revisions.count()
            try:
                register.update_risk(risk, actor=actor, reason=reason, **fields)
            except InvalidInput as exc:
                raise InvalidInput(
                    f"{filename}:{row.row}: {exc.message_th}", f"{filename}:{row.row}: {exc.message_en}"
                ) from None
            changed += risk.revisions.count() > before
        record = RiskImport.objects.create(
            filename=filename,
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            added=added,
            changed=changed,
            imported_by=actor,
        )
        audit.record(actor, "risk.import", record)
    return record


def _fields(
    row: sheet.RegisterRow,
    units: dict[str, Unit],
    systems: dict[str, System],
    people: People,
    existing: dict[str, Risk],
    active: Matrix,
    within: set[int] | None,
    problems: list[sheet.Problem],
) -> dict | None:
    before = len(problems)

    def bad(key: str, th: str, en: str) -> None:
        problems.append(sheet.Problem(row.row, sheet.TITLE_OF[key], th, en))

    unit = units.get(row.unit)
    if unit is None:
        bad("unit", f"ไม่พบหน่วยงานรหัส {row.unit}", f"no unit with code {row.unit}")
    elif within is not None and unit.pk not in within:
        bad("unit", f"ไม่มีสิทธิ์จัดการหน่วยงาน {row.unit}", f"you may not manage unit {row.unit}")
    system = None
    if row.system:
        system = systems.get(row.system)
        if system is None:
            bad("system", f"ไม่พบระบบรหัส {row.system}", f"no system with code {row.system}")
        elif unit is not None and system.unit_id not in unit.descendant_ids():
            bad(
                "system",
                f"ระบบ {row.system} ไม่ได้อยู่ในหน่วยงาน {row.unit}",
                f"system {row.system} is not of unit {row.unit}",
            )
    owner = None
    if row.owner:
        found = people.find(row.owner)
        if isinstance(found, Person):
            owner = found
        else:
            th, en = NOT_FOUND[found]
            bad("owner", f"{th} {row.owner}", f"{en} {row.owner}")
    risk = existing.get(row.ref)
    if risk is not None and within is not None and risk.unit_id not in within:
        bad("ref", f"ไม่มีสิทธิ์แก้ไขความเสี่ยง {row.ref}", f"you may not change risk {row.ref}")
    matrix = register.matrix_of(risk.matrix) if risk is not None else active
    for key, value, allowed in (
        ("likelihood", row.likelihood, matrix.likelihood_values),
        ("impact", row.impact, matrix.impact_values),
        ("residual_likelihood", row.residual_likelihood, matrix.likelihood_values),
        ("residual_impact", row.residual_impact, matrix.impact_values),
    ):
        if value and value not in allowed:  # 0: unreadable, named already
            bad(
                key,
                f"{value} อยู่นอกเมทริกซ์ ({allowed[0]}–{allowed[-1]})",
                f"{value} is outside the matrix ({allowed[0]}–{allowed[-1]})",
            )
    if len(problems) > before:
        return None
    fields: dict = {
        "unit": unit,
        "system": system,
        "title": row.title,
        "threat": row.threat,
        "vulnerability": row.vulnerability,
        "likelihood": row.likelihood,
        "impact": row.impact,
        "residual_likelihood": row.residual_likelihood,
        "residual_impact": row.residual_impact,
        "treatment": row.treatment,
        "treatment_plan": row.treatment_plan,
        "owner": owner,
        "due": row.due,
    }
    if not row.likelihood or not row.impact or not row.treatment:
        return None  # the sheet's own problems with this row are named already
    if row.status == "closed":
        fields["closed"] = True
    elif row.status:
        fields["closed"] = False
        fields["treatment_status"] = row.status
    return fields


def export_register(unit: Unit) -> bytes:
    """The risks of a unit and the units below it, in the layout import reads back unchanged."""
    risks = []
    for risk in register.list_risks(unit=unit):
        matrix = register.matrix_of(risk.matrix)
        risks.append(
            sheet.SheetRisk(
                ref=risk.ref,
                unit=risk.unit.code,
                system=risk.system.code if risk.system is not None else "",
                title=risk.title,
                threat=risk.threat,
                vulnerability=risk.vulnerability,
                likelihood=risk.likelihood,
                impact=risk.impact,
                level=matrix.level_by_code(risk.level).label_th,
                residual_likelihood=risk.residual_likelihood,
                residual_impact=risk.residual_impact,
                residual_level=matrix.level_by_code(risk.residual_level).label_th
                if risk.residual_level
                else "",
                treatment=risk.treatment,
                treatment_plan=risk.treatment_plan,
                owner=person_text(risk.owner),
                due=risk.due,
                status="closed" if risk.closed else risk.treatment_status,
            )
        )
    return sheet.write_register(risks, title=f"ทะเบียนความเสี่ยง {unit.code}")
