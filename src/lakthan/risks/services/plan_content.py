"""What the continuity plan of a unit for a fiscal year says, read from the records at the moment it is
printed: one view shared by the DOCX and the PDF, so the two cannot drift. Every text is final (Thai
digits when the setting asks, B.E. dates, durations in Thai words)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from lakthan.core.models import Person, Unit
from lakthan.indicators.engines.periods import fiscal_year_bounds
from lakthan.lib import thai
from lakthan.lib.durations import format_duration_th
from lakthan.lib.timezones import BANGKOK
from lakthan.risks.engines.matrix import Matrix, parse_matrix
from lakthan.risks.engines.scenarios import KIND_TH
from lakthan.risks.models import Drill, PlanApproval, RiskMatrix
from lakthan.risks.services.continuity import (
    HIGH_CRITICALITY,
    scenario_title,
    scenarios,
    systems_with_targets,
)
from lakthan.risks.services.register import risks_as_of

TITLE = "แผนบริหารความต่อเนื่องด้านเทคโนโลยีสารสนเทศ"
SUBTITLE = "(แผนฉุกเฉินด้าน IT และคู่มือการปฏิบัติงานเมื่อระบบล่ม)"
H_PURPOSE = "๑. วัตถุประสงค์และขอบเขต"
H_RISKS = "๒. สรุปทะเบียนความเสี่ยงด้านเทคโนโลยีสารสนเทศ"
H_TARGETS = "๓. เป้าหมายการกู้คืนระบบสารสนเทศ"
H_MANUAL = "๔. คู่มือการปฏิบัติงานเมื่อระบบล่ม"
H_SCENARIOS = "๕. แผนฉุกเฉินด้าน IT ตามสถานการณ์"
H_DRILLS = "๖. ผลการซ้อมแผนและเหตุการณ์จริงในปีงบประมาณ"
H_APPROVAL = "๗. การอนุมัติแผน"
TREATMENT_TH = {
    "mitigate": "ลดความเสี่ยง",
    "accept": "ยอมรับความเสี่ยง",
    "transfer": "ถ่ายโอนความเสี่ยง",
    "avoid": "หลีกเลี่ยงความเสี่ยง",
}
STATUS_TH = {"planned": "วางแผนแล้ว", "in_progress": "กำลังดำเนินการ", "done": "ดำเนินการแล้ว"}
DRILL_KIND_TH = {"drill": "การซ้อมแผน", "incident": "เหตุการณ์จริง"}
TARGETS_HEAD = ("ระบบสารสนเทศ", "ระดับความสำคัญ", "RTO", "RPO", "MTD", "ระบบที่พึ่งพา")
RISKS_HEAD = ("รหัส", "ความเสี่ยง", "ระดับ", "การจัดการ", "ผู้รับผิดชอบ", "กำหนดเสร็จ")
DRILLS_HEAD = ("ระบบ", "RTO ที่วัดได้", "เป้าหมาย RTO", "RPO ที่วัดได้", "เป้าหมาย RPO", "ผล")
CONTACTS_HEAD = ("ผู้ติดต่อ", "โทรศัพท์")


@dataclass(frozen=True)
class SystemRow:
    name: str
    criticality: str
    rto: str
    rpo: str
    mtd: str
    depends_on: str
    manual: tuple[str, ...]  # the manual procedure's paragraphs
    high: bool  # criticality ≥ 4
    has_target: bool


@dataclass(frozen=True)
class ScenarioBlock:
    number: str  # "๕.๑"
    title: str
    kind: str
    steps: tuple[str, ...]
    contacts: tuple[tuple[str, str], ...]  # (name and role, phone)
    alternate_site: str
    systems: str


@dataclass(frozen=True)
class DrillBlock:
    heading: str
    rows: tuple[tuple[str, str, str, str, str, str], ...]
    notes: str


@dataclass(frozen=True)
class PlanView:
    agency: str
    unit: str
    fiscal_year: str  # "ปีงบประมาณ พ.ศ. ๒๕๖๙"
    period: str
    printed: str  # "จัดทำเมื่อ …"
    purpose: tuple[str, ...]
    level_counts: tuple[tuple[str, str], ...]  # (level label, count)
    risk_total: str
    high_risks: tuple[tuple[str, str, str, str, str, str], ...]
    systems: tuple[SystemRow, ...]
    missing: tuple[str, ...]  # systems of criticality ≥ 4 without a target
    scenarios: tuple[ScenarioBlock, ...]
    drills: tuple[DrillBlock, ...]
    approval: tuple[str, ...]  # the lines of the approval block
    names: tuple[str, ...] = field(default=())  # proper names a line must not break


def _d(text: object) -> str:
    return thai.digits(str(text), thai=settings.LAKTHAN_THAI_DIGITS)


def _day(value) -> str:
    return thai.format_date(value, style="long", thai_digits=settings.LAKTHAN_THAI_DIGITS)


def _moment(value: datetime) -> str:
    return thai.format_datetime(value, style="long", thai_digits=settings.LAKTHAN_THAI_DIGITS)


def duration_th(seconds: int | None) -> str:
    return _d(format_duration_th(seconds)) if seconds else "-"


def agency_of(unit: Unit) -> Unit:
    return ([unit, *unit.ancestors()])[-1]


def _matrices() -> dict[int, Matrix]:
    found: dict[int, Matrix] = {}
    for row in RiskMatrix.objects.all():
        try:
            found[row.pk] = parse_matrix(row.text.encode())
        except Exception:  # a stored matrix was validated when loaded; labels fall back to codes
            continue
    return found


Row6 = tuple[str, str, str, str, str, str]


def _risk_summary(unit: Unit, as_of: datetime) -> tuple[list[tuple[str, str]], str, list[Row6]]:
    """The open risks of the unit and those below it as the register stood at ``as_of``."""
    codes = set(Unit.objects.filter(pk__in=unit.descendant_ids()).values_list("code", flat=True))
    risks = risks_as_of(codes, as_of)
    owners = {p.pk: p for p in Person.objects.filter(pk__in={r.get("owner") for r in risks} - {None})}
    matrices = _matrices()
    counts: Counter[tuple[int, str]] = Counter()
    labels: dict[tuple[int, str], str] = {}
    high: list[Row6] = []
    for risk in risks:
        matrix = matrices.get(risk["matrix"])
        try:
            level = matrix.level_by_code(risk["level"]) if matrix else None
        except ValueError:
            level = None
        key = (-(level.rank if level else 0), risk["level"])
        counts[key] += 1
        labels[key] = level.label_th if level else risk["level"]
        if matrix is not None and level is not None and matrix.is_high(risk["level"]):
            owner = owners.get(risk["owner"]) if risk.get("owner") is not None else None
            high.append(
                (
                    risk["ref"],
                    _d(risk["title"]) + (f" (ระบบ {risk['system']})" if risk.get("system") else ""),
                    labels[key],
                    TREATMENT_TH.get(risk["treatment"], risk["treatment"])
                    + f" — {STATUS_TH.get(risk['treatment_status'], risk['treatment_status'])}",
                    owner.display_name if owner else "-",
                    _day(date.fromisoformat(risk["due"])) if risk.get("due") else "-",
                )
            )
    rows = [(labels[k], _d(counts[k])) for k in sorted(counts)]
    return rows, _d(len(risks)), high


def _systems(unit: Unit) -> tuple[list[SystemRow], list[str]]:
    rows, missing = [], []
    for system, target in systems_with_targets(unit.descendant_ids()):
        name = f"{_d(system.name_th)} ({system.code})"
        high = system.criticality >= HIGH_CRITICALITY
        if target is None and high:
            missing.append(name)
        rows.append(
            SystemRow(
                name=name,
                criticality=_d(system.criticality),
                rto=duration_th(target.rto_s) if target else "-",
                rpo=duration_th(target.rpo_s) if target else "-",
                mtd=duration_th(target.mtd_s) if target else "-",
                depends_on=", ".join(sorted(s.code for s in target.depends_on.all())) if target else "",
                manual=tuple(_d(p.strip()) for p in target.manual_procedure.splitlines() if p.strip())
                if target
                else (),
                high=high,
                has_target=target is not None,
            )
        )
    return rows, missing


def _scenarios(unit: Unit) -> list[ScenarioBlock]:
    return [
        ScenarioBlock(
            number=_d(f"5.{n}"),
            title=_d(scenario_title(s)),
            kind=KIND_TH[s.kind],
            steps=tuple(_d(step) for step in s.steps),
            contacts=tuple((_who(c), _d(c.get("phone") or "-")) for c in s.contacts),
            alternate_site=_d(s.alternate_site) or "-",
            systems=", ".join(sorted(x.code for x in s.systems.all())),
        )
        for n, s in enumerate(scenarios(unit), start=1)
    ]


def _who(contact: dict) -> str:
    name, role = contact.get("name") or "", contact.get("role") or ""
    return f"{name} ({role})" if name and role else name or role


def _met(value: bool | None) -> str:
    return {True: "ผ่านเป้าหมาย", False: "ไม่ผ่านเป้าหมาย", None: "-"}[value]


def _drills(unit: Unit, fiscal_year: int, as_of: datetime) -> list[DrillBlock]:
    start, end = fiscal_year_bounds(fiscal_year)
    first = datetime(start.year, start.month, start.day, tzinfo=BANGKOK)
    last = datetime(end.year, end.month, end.day, 23, 59, 59, 999999, tzinfo=BANGKOK)
    blocks = []
    drills = Drill.objects.filter(
        unit_id__in=unit.descendant_ids(), started__range=(first, min(last, as_of))
    ).prefetch_related("systems__system")
    for drill in drills:
        rows = []
        for ds in drill.systems.all():
            met = (
                None
                if ds.rto_met is None and ds.rpo_met is None
                else bool(ds.rto_met) and ds.rpo_met is not False
            )
            rows.append(
                (
                    ds.system.code,
                    duration_th(ds.rto_s),
                    duration_th(ds.rto_target_s),
                    duration_th(ds.rpo_s),
                    duration_th(ds.rpo_target_s),
                    _met(met),
                )
            )
        title = f" — {_d(drill.title)}" if drill.title else ""
        blocks.append(
            DrillBlock(
                heading=f"{DRILL_KIND_TH[drill.kind]} สถานการณ์{KIND_TH[drill.scenario]}{title} "
                f"เริ่ม {_moment(drill.started)}"
                + (f" กลับมาให้บริการ {_moment(drill.restored)}" if drill.restored else " ยังไม่กลับมาให้บริการ"),
                rows=tuple(rows),
                notes=_d(drill.notes),
            )
        )
    return blocks


def approval_lines(approval: PlanApproval | None, approver: Person | None, at: datetime | None) -> list[str]:
    """The approval block: who approves (approved) and when; or that the plan is not yet approved."""
    if approver is not None and at is not None:
        return [
            "ผู้อนุมัติแผน",
            f"({approver.display_name})",
            _d(approver.position_th) or "-",
            f"อนุมัติเมื่อ {_day(at)}",
        ]
    if approval is not None:
        return [
            f"แผนฉบับที่ {_d(approval.version)} ของปีงบประมาณนี้อนุมัติแล้ว",
            f"โดย {approval.approved_by.display_name} เมื่อ {_day(approval.approved_at)}",
            "ฉบับนี้พิมพ์จากข้อมูลปัจจุบัน อาจมีการเปลี่ยนแปลงหลังการอนุมัติ",
        ]
    return ["แผนของปีงบประมาณนี้ยังไม่ได้รับการอนุมัติ"]


def plan_view(
    unit: Unit,
    fiscal_year: int,
    *,
    approver: Person | None = None,
    at: datetime | None = None,
) -> PlanView:
    """The plan as of now (or as approved by ``approver`` at ``at``)."""
    now = at or timezone.now()
    agency = agency_of(unit)
    start, end = fiscal_year_bounds(fiscal_year)
    levels, total, high = _risk_summary(unit, now)
    systems, missing = _systems(unit)
    latest = (
        PlanApproval.objects.filter(unit=unit, fiscal_year=fiscal_year)
        .select_related("approved_by")
        .order_by("-version")
        .first()
    )
    scope = (
        f"แผนนี้ครอบคลุมระบบสารสนเทศ {_d(len(systems))} ระบบของ{unit.name_th} "
        f"ในปีงบประมาณ พ.ศ. {_d(fiscal_year)} ({_day(start)} ถึง {_day(end)}) "
        "ได้แก่ เป้าหมายการกู้คืนของแต่ละระบบ การปฏิบัติงานด้วยมือเมื่อระบบใช้งานไม่ได้ "
        "และขั้นตอนรับมือเหตุอัคคีภัย อุทกภัย แผ่นดินไหว ไฟฟ้าดับ การโจมตีทางไซเบอร์ และระบบล่ม"
    )
    purpose = (
        "เพื่อให้การปฏิบัติราชการที่พึ่งพาระบบเทคโนโลยีสารสนเทศดำเนินต่อไปได้เมื่อเกิดเหตุฉุกเฉินหรือภาวะวิกฤต "
        "และจำกัดความเสียหายให้น้อยที่สุด โดยกู้คืนระบบให้กลับมาให้บริการภายในเวลาที่กำหนด",
        scope,
        "ข้อมูลในแผนนี้สร้างจากทะเบียนความเสี่ยง เป้าหมายการกู้คืน และผลการซ้อมแผนที่บันทึกไว้ในระบบ "
        "ณ เวลาที่พิมพ์ จึงเป็นปัจจุบันทุกครั้งที่พิมพ์",
    )
    person_names = tuple(
        n
        for n in (
            *(row[4] for row in high if row[4] != "-"),
            approver.display_name if approver else "",
            latest.approved_by.display_name if latest else "",
        )
        if n
    )
    return PlanView(
        agency=agency.name_th,
        unit=unit.name_th,
        fiscal_year=f"ปีงบประมาณ พ.ศ. {_d(fiscal_year)}",
        period=f"{_day(start)} ถึง {_day(end)}",
        printed=f"จัดทำเมื่อ {_moment(now)}",
        purpose=purpose,
        level_counts=tuple(levels),
        risk_total=total,
        high_risks=tuple(high),
        systems=tuple(systems),
        missing=tuple(missing),
        scenarios=tuple(_scenarios(unit)),
        drills=tuple(_drills(unit, fiscal_year, now)),
        approval=tuple(approval_lines(latest, approver, at if approver else None)),
        names=tuple(dict.fromkeys((agency.name_th, unit.name_th, *person_names))),
    )
