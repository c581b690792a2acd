"""`lakthan bcp drill …`, `bcp incident …` and `bcp status`: drills and incidents with their recovery
measured from the backups."""

from __future__ import annotations

import json
from datetime import datetime

import click
from rich.table import Table

from lakthan.cli_common import console
from lakthan.core.errors import InvalidInput

SCENARIOS = ["fire", "flood", "earthquake", "power", "cyber", "system-down"]


def instant(value: str, option: str) -> datetime:
    """An ISO-8601 instant from an option (naive: Bangkok); InvalidInput naming the option."""
    from lakthan.lib.timezones import parse_instant

    try:
        return parse_instant(value)
    except ValueError:
        raise InvalidInput(
            f"{option} '{value}' ไม่ใช่เวลา ISO-8601 (เช่น 2026-03-01T21:00+07:00; ไม่ระบุเขตเวลา = เวลาประเทศไทย)",
            f"{option} '{value}' is not an ISO-8601 time (e.g. 2026-03-01T21:00+07:00; no offset = Bangkok)",
        ) from None


def _system_spec(text: str):
    """``NAME`` or ``NAME@ISO`` (the system restored at its own time)."""
    name, _, when = text.partition("@")
    return (name, instant(when, f"--system {name}@")) if when else name


def _duration(seconds: int | None) -> str:
    from lakthan.lib.durations import format_duration

    return "–" if seconds is None else format_duration(seconds)


def _met(value: bool | None) -> str:
    return "–" if value is None else ("[green]met[/green]" if value else "[red]missed[/red]")


@click.group("drill")
def drill_group() -> None:
    """Continuity drills (and incidents) with recovery measured from the backups."""


@drill_group.command("record")
@click.option(
    "--system", "systems", multiple=True, required=True, help="system code, or CODE@ISO-8601 (repeatable)"
)
@click.option("--scenario", required=True, type=click.Choice(SCENARIOS))
@click.option("--started", required=True, help="ISO-8601 (no offset: Asia/Bangkok)")
@click.option("--restored", required=True, help="ISO-8601 (no offset: Asia/Bangkok)")
@click.option("--unit", "unit_code", default=None, help="unit code (default: the first system's)")
@click.option("--kind", default="drill", type=click.Choice(["drill", "incident"]))
@click.option("--title", default="")
@click.option("--people", default="", help="who took part")
@click.option("--notes", default="")
def drill_record(systems, scenario, started, restored, unit_code, kind, title, people, notes) -> None:
    """Records a drill and prints each system's measured RTO and RPO against its targets."""
    from lakthan.core.services import get_unit
    from lakthan.inventory.services import get_system
    from lakthan.risks.services.drills import record_drill

    started_at = instant(started, "--started")
    restored_at = instant(restored, "--restored")
    specs = [_system_spec(s) for s in systems]
    if unit_code:
        unit = get_unit(unit_code)
    else:
        first = specs[0][0] if isinstance(specs[0], tuple) else specs[0]
        unit = get_system(first).unit
    drill = record_drill(
        unit=unit,
        systems=specs,
        scenario=scenario,
        started=started_at,
        restored=restored_at,
        kind=kind,
        title=title,
        people=people,
        notes=notes,
        actor="cli",
    )
    console.print(f"drill {drill.pk} recorded ({drill.get_scenario_display()}, unit {unit.code})")
    _print_rows(drill)


def _print_rows(drill) -> None:
    table = Table("system", "RTO", "target", "", "RPO", "target", "", "last backup before start")
    for r in drill.systems.select_related("system"):
        table.add_row(
            r.system.code,
            _duration(r.rto_s),
            _duration(r.rto_target_s),
            _met(r.rto_met),
            _duration(r.rpo_s),
            _duration(r.rpo_target_s),
            _met(r.rpo_met),
            r.last_backup_at.isoformat() if r.last_backup_at else "none",
        )
    console.print(table)


@drill_group.command("list")
@click.option("--unit", "unit_code", default=None)
@click.option("--json", "as_json", is_flag=True)
def drill_list(unit_code, as_json) -> None:
    """Drills and incidents, oldest first."""
    from lakthan.core.services import get_unit
    from lakthan.risks.services.drills import drills_in, iso

    drills = list(drills_in(get_unit(unit_code) if unit_code else None))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": d.pk,
                        "kind": d.kind,
                        "scenario": d.scenario,
                        "unit": d.unit.code,
                        "origin": d.origin,
                        "started": iso(d.started),
                        "restored": iso(d.restored),
                        "systems": [
                            {
                                "system": r.system.code,
                                "rto_s": r.rto_s,
                                "rpo_s": r.rpo_s,
                                "rto_met": r.rto_met,
                                "rpo_met": r.rpo_met,
                            }
                            for r in d.systems.all()
                        ],
                    }
                    for d in drills
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table("id", "kind", "scenario", "unit", "started", "restored", "systems")
    for d in drills:
        table.add_row(
            str(d.pk),
            d.kind,
            d.scenario,
            d.unit.code,
            iso(d.started) or "",
            iso(d.restored) or "open",
            ", ".join(r.system.code for r in d.systems.all()),
        )
    console.print(table)


@click.group("incident")
def incident_group() -> None:
    """Incidents escalated from intrusion alerts, with their timeline."""


@incident_group.command("escalate")
@click.argument("alert_id", type=int)
@click.option("--title", default="")
def incident_escalate(alert_id, title) -> None:
    """Makes an incident (scenario cyber) of a monitoring alert."""
    from lakthan.core.errors import NotFound
    from lakthan.monitoring.models import Alert
    from lakthan.risks.services.drills import escalate_alert

    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(f"ไม่พบการแจ้งเตือน {alert_id}", f"no alert {alert_id}")
    drill = escalate_alert(alert, actor="cli", title=title)
    console.print(f"incident {drill.pk}: {', '.join(r.system.code for r in drill.systems.all())}")


@incident_group.command("update")
@click.argument("drill_id", type=int)
@click.option("--contained", default=None, help="ISO-8601 (no offset: Asia/Bangkok)")
@click.option("--restored", default=None, help="ISO-8601 (no offset: Asia/Bangkok)")
@click.option("--note", required=True)
def incident_update(drill_id, contained, restored, note) -> None:
    """Adds to an incident's timeline; once restored, measures its recovery."""
    from lakthan.core.errors import NotFound
    from lakthan.risks.models import Drill
    from lakthan.risks.services.drills import update_incident

    contained_at = instant(contained, "--contained") if contained else None
    restored_at = instant(restored, "--restored") if restored else None
    drill = Drill.objects.filter(pk=drill_id, kind=Drill.Kind.INCIDENT).first()
    if drill is None:
        raise NotFound(f"ไม่พบเหตุการณ์ {drill_id}", f"no incident {drill_id}")
    update_incident(drill, contained=contained_at, restored=restored_at, note=note, actor="cli")
    console.print(f"incident {drill.pk} updated")
    if restored_at:
        _print_rows(drill)


@click.command("status")
@click.option("--unit", "unit_code", required=True)
@click.option("--json", "as_json", is_flag=True)
def status(unit_code, as_json) -> None:
    """Each system's targets and its measured drills (restore tests counted as system-down drills)."""
    from lakthan.core.services import get_unit
    from lakthan.risks.services.drills import continuity_status, drills_from_restore_tests

    unit = get_unit(unit_code)
    drills_from_restore_tests()
    data = continuity_status(unit)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("system", "RTO target", "RPO target", "drill", "started", "RTO", "", "RPO", "")
    for s in data["systems"]:
        drills = s["drills"] or [None]
        for i, d in enumerate(drills):
            head = (
                (s["system"], _duration(s["rto_target_s"]), _duration(s["rpo_target_s"]))
                if i == 0
                else ("", "", "")
            )
            if d is None:
                table.add_row(*head, "no drill", "", "", "", "", "")
            else:
                table.add_row(
                    *head,
                    d["scenario"],
                    d["started"],
                    _duration(d["rto_s"]),
                    _met(d["rto_met"]),
                    _duration(d["rpo_s"]),
                    _met(d["rpo_met"]),
                )
    console.print(table)


def add_to(bcp: click.Group) -> None:
    for command in (drill_group, incident_group, status):
        bcp.add_command(command)
