"""Continuity targets per inventory system (RTO, RPO, MTD, what it depends on, the manual procedure
while it is down) and the crisis scenarios of a unit. Every change is audited; a target that would
make the systems depend on each other in a circle is refused, the circle named."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.inventory.models import System
from lakthan.inventory.services import get_system
from lakthan.lib.durations import format_duration
from lakthan.risks.engines.scenarios import KIND_TH, KINDS, ScenariosRejected, parse_scenarios
from lakthan.risks.models import ContinuityTarget, Scenario

HIGH_CRITICALITY = 4  # systems from this criticality up must have targets (the item-3 check)
LONGEST_S = 366 * 86400  # a year: a target longer than that is a typing mistake


def _seconds(value, name: str, *, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= LONGEST_S:
        raise InvalidInput(
            f"{name} ต้องเป็นระยะเวลามากกว่าศูนย์และไม่เกิน ๑ ปี ({value!r})",
            f"{name} must be a duration above zero and at most a year (got {value!r})",
        )
    return value


def _system(value: System | str) -> System:
    return value if isinstance(value, System) else get_system(str(value))


def _cycle_through(system: System, depends_on: list[System]) -> list[str] | None:
    """The codes of a circle of dependencies through ``system`` once its dependencies are
    ``depends_on`` (the others as stored), or None."""
    edges: dict[int, list[int]] = {}
    for source, target in ContinuityTarget.depends_on.through.objects.values_list(
        "continuitytarget__system_id", "system_id"
    ):
        edges.setdefault(source, []).append(target)
    edges[system.pk] = [s.pk for s in depends_on]
    path: list[int] = []
    seen: set[int] = set()

    def walk(node: int) -> bool:
        if node == system.pk and path:
            return True
        if node in seen:
            return False
        seen.add(node)
        path.append(node)
        for nxt in edges.get(node, []):
            if walk(nxt):
                return True
        path.pop()
        return False

    if not walk(system.pk):
        return None
    codes = dict(System.objects.filter(pk__in=path).values_list("pk", "code"))
    return [codes[pk] for pk in path] + [system.code]


def _target_state(target: ContinuityTarget) -> dict:
    return {
        "system": target.system.code,
        "rto": format_duration(target.rto_s),
        "rpo": format_duration(target.rpo_s),
        "mtd": format_duration(target.mtd_s) if target.mtd_s else None,
        "depends_on": sorted(target.depends_on.values_list("code", flat=True)),
        "manual_procedure": target.manual_procedure,
    }


@transaction.atomic
def set_target(
    system: System | str,
    *,
    rto_s: int,
    rpo_s: int,
    mtd_s: int | None = None,
    depends_on: Iterable[System | str] = (),
    manual_procedure: str = "",
    actor: str,
) -> ContinuityTarget:
    """Sets (or replaces) the system's continuity target."""
    system = _system(system)
    rto_s = _seconds(rto_s, "RTO") or 0
    rpo_s = _seconds(rpo_s, "RPO") or 0
    mtd_s = _seconds(mtd_s, "MTD", required=False)
    if mtd_s is not None and rto_s > mtd_s:
        raise InvalidInput(
            f"RTO ({format_duration(rto_s)}) ต้องไม่นานกว่า MTD ({format_duration(mtd_s)}) "
            "ระบบต้องกลับมาก่อนความเสียหายจะรับไม่ได้",
            f"the RTO ({format_duration(rto_s)}) must not be longer than the MTD ({format_duration(mtd_s)})",
        )
    dependencies = list({s.pk: s for s in (_system(d) for d in depends_on)}.values())
    if any(d.pk == system.pk for d in dependencies):
        raise InvalidInput(
            f"ระบบ {system.code} พึ่งพาตัวเองไม่ได้", f"system {system.code} cannot depend on itself"
        )
    cycle = _cycle_through(system, dependencies)
    if cycle:
        circle = " → ".join(cycle)
        raise InvalidInput(f"การพึ่งพาเป็นวงวน: {circle}", f"the dependencies would make a cycle: {circle}")
    target = ContinuityTarget.objects.select_for_update().filter(system=system).first()
    before = _target_state(target) if target else None
    if target is None:
        target = ContinuityTarget(system=system)
    target.rto_s, target.rpo_s, target.mtd_s = rto_s, rpo_s, mtd_s
    target.manual_procedure = (manual_procedure or "").strip()
    target.updated_by = actor
    target.save()
    target.depends_on.set(dependencies)
    audit.record(actor, "risks.target.set", target, before=before, after=_target_state(target))
    return target


def targets(unit_ids: set[int] | None = None):
    """Targets with their systems, of the given units (None: all)."""
    qs = ContinuityTarget.objects.select_related("system__unit").prefetch_related("depends_on")
    return qs if unit_ids is None else qs.filter(system__unit_id__in=unit_ids)


def target_of(system: System) -> ContinuityTarget | None:
    return ContinuityTarget.objects.filter(system=system).prefetch_related("depends_on").first()


def systems_with_targets(unit_ids: set[int] | None = None) -> list[tuple[System, ContinuityTarget | None]]:
    """Every active system (of the units) with its target or None, most critical first."""
    qs = System.objects.filter(active=True).select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    found = {t.system_id: t for t in targets(unit_ids)}
    return [(s, found.get(s.pk)) for s in qs.order_by("-criticality", "code")]


def missing_targets(unit_ids: set[int] | None = None) -> list[System]:
    """Active systems of criticality ≥ 4 without a target."""
    return [s for s, t in systems_with_targets(unit_ids) if t is None and s.criticality >= HIGH_CRITICALITY]


# --- scenarios -----------------------------------------------------------------------------------


class ScenariosRefused(InvalidInput):
    def __init__(self, problems: list[tuple[int, str, str]]):
        super().__init__("; ".join(th for _, th, _ in problems), "; ".join(en for _, _, en in problems))
        self.problems = problems  # (line, Thai, English)


def _clean_steps(steps: Iterable[str]) -> list[str]:
    out = [" ".join(str(s).split()) for s in steps]
    out = [s for s in out if s]
    if not out:
        raise InvalidInput("สถานการณ์ต้องมีขั้นตอนอย่างน้อยหนึ่งขั้น", "a scenario needs at least one step")
    return out


def _clean_contacts(contacts: Iterable[dict]) -> list[dict]:
    out = []
    for n, contact in enumerate(contacts, start=1):
        if not isinstance(contact, dict):
            raise InvalidInput(f"ผู้ติดต่อรายที่ {n} ไม่ถูกต้อง", f"contact {n} is not a mapping")
        unknown = set(contact) - {"name", "role", "phone"}
        if unknown:
            raise InvalidInput(
                f"ผู้ติดต่อรายที่ {n}: ไม่รู้จักช่อง {', '.join(sorted(unknown))}",
                f"contact {n}: unknown field {', '.join(sorted(unknown))}",
            )
        values = {k: " ".join(str(contact.get(k) or "").split()) for k in ("name", "role", "phone")}
        if not values["name"] and not values["role"]:
            raise InvalidInput(f"ผู้ติดต่อรายที่ {n} ต้องมีชื่อหรือบทบาท", f"contact {n} needs a name or a role")
        out.append(values)
    return out


def _unit_systems(unit: Unit, systems: Iterable[System | str]) -> list[System]:
    found = []
    for value in systems:
        system = _system(value)
        if system.unit_id != unit.pk:
            raise InvalidInput(
                f"ระบบ {system.code} ไม่ได้อยู่ในหน่วยงาน {unit.code}",
                f"system {system.code} is not of unit {unit.code}",
            )
        found.append(system)
    return found


def _scenario_state(scenario: Scenario) -> dict:
    return {
        "unit": scenario.unit.code,
        "kind": scenario.kind,
        "title": scenario.title,
        "steps": scenario.steps,
        "contacts": scenario.contacts,
        "alternate_site": scenario.alternate_site,
        "systems": sorted(scenario.systems.values_list("code", flat=True)),
    }


@transaction.atomic
def set_scenario(
    unit: Unit,
    kind: str,
    *,
    steps: Iterable[str],
    contacts: Iterable[dict],
    alternate_site: str = "",
    systems: Iterable[System | str] = (),
    title: str = "",
    actor: str,
) -> Scenario:
    """Sets (or replaces) the unit's scenario of this kind."""
    if kind not in KINDS:
        raise InvalidInput(
            f"ไม่รู้จักสถานการณ์ {kind} (ใช้ {', '.join(KINDS)})", f"unknown scenario {kind} ({', '.join(KINDS)})"
        )
    clean_steps, clean_contacts = _clean_steps(steps), _clean_contacts(contacts)
    members = _unit_systems(unit, systems)
    scenario = Scenario.objects.select_for_update().filter(unit=unit, kind=kind).first()
    before = _scenario_state(scenario) if scenario else None
    if scenario is None:
        scenario = Scenario(unit=unit, kind=kind)
    scenario.title = " ".join((title or "").split())[:255]
    scenario.steps, scenario.contacts = clean_steps, clean_contacts
    scenario.alternate_site = (alternate_site or "").strip()
    scenario.updated_by = actor
    scenario.save()
    scenario.systems.set(members)
    audit.record(actor, "risks.scenario.set", scenario, before=before, after=_scenario_state(scenario))
    return scenario


@transaction.atomic
def load_scenarios(unit: Unit, data: bytes, *, actor: str = audit.SYSTEM) -> list[Scenario]:
    """Sets every scenario of a YAML file (the engine's shape) for the unit; the whole file is checked
    first (its lines named, the systems it names too) and nothing is applied when anything is wrong:
    ScenariosRefused with every problem."""
    try:
        parsed = parse_scenarios(data)
    except ScenariosRejected as exc:
        raise ScenariosRefused(exc.problems) from None
    problems = []
    for scenario in parsed:
        for code, line in scenario.systems:
            system = System.objects.filter(code=code).first()
            if system is None or system.unit_id != unit.pk:
                problems.append(
                    (
                        line,
                        f"บรรทัด {line}: ไม่มีระบบ {code} ในหน่วยงาน {unit.code}",
                        f"line {line}: no system {code} in unit {unit.code}",
                    )
                )
    if problems:
        raise ScenariosRefused(problems)
    return [
        set_scenario(
            unit,
            s.kind,
            steps=s.steps,
            contacts=s.contacts,
            alternate_site=s.alternate_site,
            systems=[code for code, _ in s.systems],
            title=s.title,
            actor=actor,
        )
        for s in parsed
    ]


def scenarios(unit: Unit) -> list[Scenario]:
    """The unit's scenarios in the order of KINDS."""
    found = {s.kind: s for s in Scenario.objects.filter(unit=unit).prefetch_related("systems")}
    return [found[k] for k in KINDS if k in found]


def scenario_title(scenario: Scenario) -> str:
    return scenario.title or KIND_TH[scenario.kind]
