"""Drills and incidents (item 3, parts 5 and 6): each system's recovery measured from the backups it
really had — restored − started for RTO, started − the newest snapshot taken before the start for RPO
— and kept with the targets as they were, so the evidence does not drift when a target changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from lakthan.backups.models import RestoreTest, Snapshot
from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Unit
from lakthan.inventory.models import Host, System
from lakthan.lib.timezones import iso
from lakthan.monitoring.models import Alert
from lakthan.risks.engines import recovery
from lakthan.risks.models import ContinuityTarget, Drill, DrillSystem, Scenario

SystemSpec = System | str | tuple[System | str, datetime | None]


@dataclass(frozen=True)
class _Wanted:
    system: System
    restored: datetime | None  # None: the drill's


def _within(system: System, unit: Unit) -> bool:
    """Whether the system belongs to ``unit`` or a unit under it."""
    return system.unit_id in unit.descendant_ids()


def _resolve(unit: Unit, systems: Iterable[SystemSpec]) -> list[_Wanted]:
    wanted: list[_Wanted] = []
    for spec in systems:
        item, restored = spec if isinstance(spec, tuple) else (spec, None)
        system = item if isinstance(item, System) else System.objects.filter(code=item).first()
        if system is None:
            raise InvalidInput(f"ไม่พบระบบ {item} ในทะเบียนระบบ", f"no system {item} in the inventory")
        if not _within(system, unit):
            raise InvalidInput(
                f"ระบบ {system.code} ไม่ได้อยู่ในหน่วยงาน {unit.code}",
                f"system {system.code} is not in unit {unit.code}",
            )
        if any(w.system.pk == system.pk for w in wanted):
            raise InvalidInput(f"ระบุระบบ {system.code} ซ้ำ", f"system {system.code} is named twice")
        wanted.append(_Wanted(system, restored))
    if not wanted:
        raise InvalidInput("ต้องระบุระบบอย่างน้อยหนึ่งระบบ", "name at least one system")
    return wanted


def _check_times(started: datetime, restored: datetime | None, *, label: str = "") -> None:
    for name, moment in (("started", started), ("restored", restored)):
        if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
            raise InvalidInput(f"เวลา {name} ต้องระบุเขตเวลา", f"{name} must be an instant with its offset")
    now = timezone.now()
    if started > now:
        raise InvalidInput("เวลาเริ่มอยู่ในอนาคต", "started is in the future")
    if restored is not None and restored > now:
        raise InvalidInput("เวลากู้คืนอยู่ในอนาคต", "restored is in the future")
    if restored is not None and restored < started:
        where = f" ({label})" if label else ""
        raise InvalidInput(f"เวลากู้คืน{where}ก่อนเวลาเริ่ม", f"restored{where} is before started")


def snapshot_times(system: System) -> list[datetime]:
    """Every snapshot the system's backup ever had, forgotten ones included: a snapshot later removed
    by retention did exist at the time of the drill and was what the system could fall back to."""
    return list(Snapshot.objects.filter(system__system=system).values_list("time", flat=True))


def newest_backup_before(system: System, moment: datetime) -> Snapshot | None:
    return Snapshot.objects.filter(system__system=system, time__lt=moment).order_by("-time").first()


def _measure_into(row: DrillSystem, started: datetime, restored: datetime | None) -> None:
    """Fills ``row`` with the measurement against the system's target as it is now; with no restore
    yet (an incident still open) only the targets and the newest backup before the start are kept."""
    target = ContinuityTarget.objects.filter(system=row.system).first()
    rto_target = target.rto_s if target else None
    rpo_target = target.rpo_s if target else None
    row.rto_target_s, row.rpo_target_s = rto_target, rpo_target
    if restored is None:
        last = newest_backup_before(row.system, started)
        row.last_backup_at = last.time if last else None
        return
    m = recovery.measure(started, restored, snapshot_times(row.system), rto_target, rpo_target)
    row.rto_s, row.rpo_s, row.last_backup_at = m.rto_s, m.rpo_s, m.last_backup_at
    row.rto_met, row.rpo_met = m.rto_met, m.rpo_met


def _check_scenario(scenario: str) -> None:
    if scenario not in Scenario.Kind.values:
        raise InvalidInput(
            f"สถานการณ์ '{scenario}' ไม่ถูกต้อง ({', '.join(Scenario.Kind.values)})",
            f"scenario '{scenario}' must be one of {', '.join(Scenario.Kind.values)}",
        )


def record_drill(
    *,
    unit: Unit,
    systems: Iterable[SystemSpec],
    scenario: str,
    started: datetime,
    restored: datetime | None,
    kind: str = "drill",
    title: str = "",
    people: str = "",
    notes: str = "",
    timeline: Iterable[dict] = (),
    actor: str,
    origin: str = Drill.Origin.RECORDED,
    detected: datetime | None = None,
    restore_test: RestoreTest | None = None,
    alert: Alert | None = None,
) -> Drill:
    """Records a drill or an incident and measures each system. ``systems`` holds inventory systems
    or their codes, or (system, restored) pairs for a system back at its own time. ``restored`` may be
    None only for an incident still open. Refuses an unknown system, none at all, a start in the
    future, a restore before the start."""
    _check_scenario(scenario)
    if kind not in Drill.Kind.values:
        raise InvalidInput(
            f"ชนิด '{kind}' ไม่ถูกต้อง (drill หรือ incident)", f"kind '{kind}' must be drill or incident"
        )
    if restored is None and kind != Drill.Kind.INCIDENT:
        raise InvalidInput("การซ้อมต้องมีเวลากู้คืน", "a drill needs its restored time")
    wanted = _resolve(unit, systems)
    _check_times(started, restored)
    for w in wanted:
        _check_times(started, w.restored, label=w.system.code)
    with transaction.atomic():
        drill = Drill.objects.create(
            kind=kind,
            scenario=scenario,
            unit=unit,
            title=title,
            detected=detected,
            started=started,
            restored=restored,
            people=people,
            notes=notes,
            timeline=[dict(e) for e in timeline],
            origin=origin,
            restore_test=restore_test,
            alert=alert,
            recorded_by=actor,
        )
        for w in wanted:
            row = DrillSystem(drill=drill, system=w.system, restored=w.restored)
            _measure_into(row, started, w.restored or restored)
            row.save()
        audit.record(actor, "risks.drill.record", drill)
    return drill


def remeasure(drill: Drill) -> None:
    """Measures every system of ``drill`` again from its times (after an incident is restored)."""
    for row in drill.systems.select_related("system"):
        _measure_into(row, drill.started, row.restored or drill.restored)
        row.save()


def drills_from_restore_tests() -> list[Drill]:
    """Every successful restore test of the backups app becomes one drill of scenario "system down"
    (origin restore_test, linked one-to-one, so running this again adds nothing): started and
    restored are the test's own start and finish, so the RTO measured is the real time the restore
    took.

    RPO is left null on purpose. RPO means the data lost when the system fell at ``started``: the
    distance to the newest backup before that moment. A restore test does not make the system fall;
    it restores a snapshot chosen at random among the recent ones, and the distance from the test's
    start to the last backup before it says only how long ago the schedule last ran, not what a
    failure would have lost. Judging the RPO target on it would count a made-up figure as evidence."""
    made = []
    done = set(Drill.objects.filter(restore_test__isnull=False).values_list("restore_test_id", flat=True))
    tests = RestoreTest.objects.filter(ok=True).exclude(pk__in=done).select_related("system__system__unit")
    for test in tests.order_by("started_at", "pk"):
        system = test.system.system
        target = ContinuityTarget.objects.filter(system=system).first()
        m = recovery.measure(test.started_at, test.finished_at, (), target.rto_s if target else None, None)
        with transaction.atomic():
            drill = Drill.objects.create(
                kind=Drill.Kind.DRILL,
                scenario=Scenario.Kind.SYSTEM_DOWN,
                unit=system.unit,
                title=f"ทดสอบกู้คืนข้อมูลสำรอง {system.code}",
                started=test.started_at,
                restored=test.finished_at,
                notes=f"restore test {test.pk}, snapshot {test.snapshot_id[:8]}",
                origin=Drill.Origin.RESTORE_TEST,
                restore_test=test,
                recorded_by=audit.SYSTEM,
            )
            DrillSystem.objects.create(
                drill=drill,
                system=system,
                rto_s=m.rto_s,
                rto_target_s=m.rto_target_s,
                rto_met=m.rto_met,
            )
            audit.record(audit.SYSTEM, "risks.drill.from_restore_test", drill)
        made.append(drill)
    return made


# --- incidents from intrusion alerts -------------------------------------------------------------


def alert_systems(alert: Alert) -> list[System]:
    """The inventory systems of the host that sent the alert, found by the host's name or one of its
    addresses (a sender is known to the log receiver by either)."""
    host = Host.objects.filter(name=alert.host).first() or next(
        (h for h in Host.objects.all() if alert.host in (h.addresses or [])), None
    )
    return list(host.systems.select_related("unit").order_by("code")) if host else []


def incident_for(alert: Alert) -> Drill | None:
    return Drill.objects.filter(alert=alert).first()


def escalate_alert(alert: Alert, *, actor: str, title: str = "") -> Drill:
    """An intrusion alert becomes an incident (scenario cyber): detected and started at the alert's
    first event, the systems of its host, a timeline that begins with the detection. Escalating the
    same alert again returns the incident it already is."""
    existing = incident_for(alert)
    if existing is not None:
        return existing
    systems = alert_systems(alert)
    if not systems:
        raise InvalidInput(
            f"ไม่พบระบบของเครื่อง {alert.host} ในทะเบียน จึงยกระดับเป็นเหตุการณ์ไม่ได้",
            f"host {alert.host} has no system in the inventory: cannot escalate",
        )
    unit = systems[0].unit
    detection = f"ตรวจพบ: {alert.rule_title} ({alert.host}, {alert.count} เหตุการณ์)"
    return record_drill(
        unit=unit,
        systems=[s for s in systems if _within(s, unit)] or systems[:1],
        scenario=Scenario.Kind.CYBER,
        started=alert.first,
        restored=None,
        kind=Drill.Kind.INCIDENT,
        title=title or f"เหตุการณ์จากการแจ้งเตือน: {alert.rule_title}",
        timeline=[{"at": iso(alert.first), "event": "detected", "text": detection}],
        actor=actor,
        origin=Drill.Origin.ALERT,
        detected=alert.first,
        alert=alert,
    )


def update_incident(
    drill: Drill,
    *,
    contained: datetime | None = None,
    restored: datetime | None = None,
    note: str,
    actor: str,
) -> Drill:
    """Appends to an incident's timeline (contained, recovered, or a note) and, once restored,
    measures every system's recovery."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput("ต้องมีบันทึกประกอบ", "a note is required")
    for name, moment in (("contained", contained), ("restored", restored)):
        if moment is None:
            continue
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidInput(f"เวลา {name} ต้องระบุเขตเวลา", f"{name} must carry its offset")
        if moment < drill.started:
            raise InvalidInput(f"เวลา {name} ก่อนเวลาเริ่ม", f"{name} is before started")
        if moment > timezone.now():
            raise InvalidInput(f"เวลา {name} อยู่ในอนาคต", f"{name} is in the future")
    if contained and restored and restored < contained:
        raise InvalidInput("เวลากู้คืนก่อนเวลาควบคุมได้", "restored is before contained")
    before = audit.snapshot(drill)
    entries = list(drill.timeline)
    if contained is not None:
        drill.contained = contained
        entries.append({"at": iso(contained), "event": "contained", "text": note})
    if restored is not None:
        drill.restored = restored
        entries.append({"at": iso(restored), "event": "recovered", "text": note})
    if contained is None and restored is None:
        entries.append({"at": iso(timezone.now()), "event": "note", "text": note})
    drill.timeline = sorted(entries, key=lambda e: e["at"])
    with transaction.atomic():
        drill.save()
        if restored is not None:
            remeasure(drill)
        audit.record(actor, "risks.incident.update", drill, before=before)
    return drill


# --- status ------------------------------------------------------------------------------------


def continuity_status(unit: Unit) -> dict:
    """The `bcp status --json` shape: each system of the unit (its subtree) with its targets and its
    measured drills, oldest first (callers that want restore tests counted run
    ``drills_from_restore_tests`` first)."""
    systems = list(System.objects.filter(unit_id__in=unit.descendant_ids()).order_by("code"))
    targets = {t.system_id: t for t in ContinuityTarget.objects.filter(system__in=systems)}
    rows = (
        DrillSystem.objects.filter(system__in=systems)
        .select_related("drill")
        .order_by("drill__started", "drill__pk")
    )
    by_system: dict[int, list[dict]] = {}
    for r in rows:
        by_system.setdefault(r.system_id, []).append(
            {
                "scenario": r.drill.scenario,
                "started": iso(r.drill.started),
                "restored": iso(r.restored or r.drill.restored),
                "rto_s": r.rto_s,
                "rpo_s": r.rpo_s,
                "rto_met": r.rto_met,
                "rpo_met": r.rpo_met,
            }
        )
    return {
        "systems": [
            {
                "system": s.code,
                "rto_target_s": targets[s.pk].rto_s if s.pk in targets else None,
                "rpo_target_s": targets[s.pk].rpo_s if s.pk in targets else None,
                "drills": by_system.get(s.pk, []),
            }
            for s in systems
        ]
    }


def drills_in(unit: Unit | None, start: datetime | None = None, end: datetime | None = None):
    qs = Drill.objects.select_related("unit").prefetch_related("systems__system")
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    if start is not None:
        qs = qs.filter(started__gte=start)
    if end is not None:
        qs = qs.filter(started__lt=end)
    return qs.order_by("started", "pk")


def drill_report_pdf(unit: Unit, start: date, end: date) -> bytes:
    """The drills and incidents of ``unit`` started from ``start`` to ``end`` (Bangkok days, both
    included) with each system's measured recovery against its targets, as an official Thai PDF."""
    from lakthan.risks.services.drill_report import render

    return render(unit, start, end)
