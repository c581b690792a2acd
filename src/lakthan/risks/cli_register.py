"""`lakthan risk add|update|accept|close|list|import|export` and `lakthan risk matrix load|show`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console, parse_date

ACTOR = "cli"
TREATMENTS = click.Choice(["mitigate", "accept", "transfer", "avoid"])
STATUSES = click.Choice(["planned", "in_progress", "done"])


def _future_date(value, what: str):
    """A due day or an acceptance's end lies ahead: allow C.E. years up to five years out (parse_date
    alone refuses past next year), while a B.E. year typed as C.E. (25xx) is still caught."""
    from datetime import date

    today = date.today()
    return parse_date(value, what, today=today.replace(year=today.year + 5, day=min(today.day, 28)))


def _unit(code):
    from lakthan.core.services import get_unit

    return get_unit(code) if code is not None else None  # "" is a bad code, not "every unit"


def _system(code):
    from lakthan.inventory.services import get_system

    return get_system(code) if code else None


def _person(text):
    from lakthan.risks.services.register import find_person

    return find_person(text) if text else None


def _warn(risk) -> None:
    from django.conf import settings

    from lakthan.risks.services.register import residual_warnings

    for th, en in residual_warnings(risk):
        console.print(f"[yellow]warning:[/yellow] {th if settings.LAKTHAN_LANG.startswith('th') else en}")


def _assessment_options(fn):
    for option in reversed(
        [
            click.option("--system", "system_code", default=None, help="inventory system code"),
            click.option(
                "--likelihood", type=int, default=None, help="on the risk's matrix (1–5 by default)"
            ),
            click.option("--impact", type=int, default=None),
            click.option(
                "--residual-likelihood",
                type=int,
                default=None,
                help="after the controls (with --residual-impact)",
            ),
            click.option("--residual-impact", type=int, default=None),
            click.option("--treatment", type=TREATMENTS, default=None),
            click.option("--owner", default=None, help="person id or name"),
            click.option("--due", default=None, help="YYYY-MM-DD (or YYYY-MM-DDBE)"),
            click.option("--threat", default=None),
            click.option("--vulnerability", default=None),
            click.option("--plan", "treatment_plan", default=None, help="the treatment plan"),
        ]
    ):
        fn = option(fn)
    return fn


def _required(value, name: str):
    from lakthan.core.errors import InvalidInput

    if value is None:
        raise InvalidInput(f"ต้องระบุ {name}", f"{name} is required")
    return value


def add_register_commands(risk: click.Group) -> None:
    @risk.command("add")
    @click.option("--unit", "unit_code", required=True, help="unit code")
    @click.option("--title", required=True)
    @_assessment_options
    def add(
        unit_code,
        title,
        system_code,
        likelihood,
        impact,
        residual_likelihood,
        residual_impact,
        treatment,
        owner,
        due,
        threat,
        vulnerability,
        treatment_plan,
    ) -> None:
        """Add a risk to the register (its ref is numbered R-0001 …)."""
        from lakthan.risks.services.register import add_risk

        added = add_risk(
            unit=_unit(unit_code),
            system=_system(system_code),
            title=title,
            likelihood=_required(likelihood, "--likelihood"),
            impact=_required(impact, "--impact"),
            residual_likelihood=residual_likelihood,
            residual_impact=residual_impact,
            treatment=_required(treatment, "--treatment"),
            owner=_person(owner),
            due=_future_date(due, "--due"),
            threat=threat or "",
            vulnerability=vulnerability or "",
            treatment_plan=treatment_plan or "",
            actor=ACTOR,
        )
        console.print(
            f"added {added.ref} level {added.level}"
            + (f" residual {added.residual_level}" if added.residual_level else "")
        )
        _warn(added)

    @risk.command("update")
    @click.argument("ref")
    @click.option("--title", default=None)
    @_assessment_options
    @click.option("--status", "treatment_status", type=STATUSES, default=None, help="the treatment's status")
    @click.option("--clear-residual", is_flag=True, help="forget the residual likelihood and impact")
    @click.option("--reason", default="", help="why (kept with the revision)")
    def update(
        ref,
        title,
        system_code,
        likelihood,
        impact,
        residual_likelihood,
        residual_impact,
        treatment,
        owner,
        due,
        threat,
        vulnerability,
        treatment_plan,
        treatment_status,
        clear_residual,
        reason,
    ) -> None:
        """Change a risk; a revision keeps what it was. An empty --owner, --system or --due clears it."""
        from lakthan.risks.services.register import get_risk, update_risk

        fields = {
            "title": title,
            "likelihood": likelihood,
            "impact": impact,
            "residual_likelihood": residual_likelihood,
            "residual_impact": residual_impact,
            "treatment": treatment,
            "threat": threat,
            "vulnerability": vulnerability,
            "treatment_plan": treatment_plan,
            "treatment_status": treatment_status,
        }
        changes = {k: v for k, v in fields.items() if v is not None}
        if clear_residual:
            changes["residual_likelihood"] = changes["residual_impact"] = None
        if system_code is not None:
            changes["system"] = _system(system_code) if system_code else None
        if owner is not None:
            changes["owner"] = _person(owner)
        if due is not None:
            changes["due"] = _future_date(due, "--due")
        changed = update_risk(get_risk(ref), actor=ACTOR, reason=reason, **changes)
        console.print(
            f"{changed.ref} level {changed.level}"
            + (f" residual {changed.residual_level}" if changed.residual_level else "")
            + f" revision {changed.revisions.count()}"
        )
        _warn(changed)

    @risk.command("accept")
    @click.argument("ref")
    @click.option("--approver", required=True, help="person id or name (not the risk's owner)")
    @click.option("--expires", required=True, help="YYYY-MM-DD: the last day the acceptance holds")
    @click.option("--note", default="")
    def accept(ref, approver, expires, note) -> None:
        """Record that a person with the authority accepts the risk until a day."""
        from lakthan.risks.services.register import accept_risk, get_risk

        done = accept_risk(
            get_risk(ref),
            approver=_person(approver),
            expires=_future_date(expires, "--expires"),
            note=note,
            actor=ACTOR,
        )
        console.print(f"{done.ref} accepted by {done.accepted_by} until {done.acceptance_expires}")

    @risk.command("close")
    @click.argument("ref")
    @click.option("--reason", default="")
    def close(ref, reason) -> None:
        """Close a risk (kept with its history)."""
        from lakthan.risks.services.register import close_risk, get_risk

        console.print(f"{close_risk(get_risk(ref), actor=ACTOR, reason=reason).ref} closed")

    @risk.command("list")
    @click.option("--unit", "unit_code", default=None)
    @click.option("--json", "as_json", is_flag=True)
    def list_command(unit_code, as_json) -> None:
        """The register (a unit and the units below it)."""
        from lakthan.risks.services.register import acceptance_state, is_overdue, list_risks, state

        risks = list(list_risks(unit=_unit(unit_code)))
        if as_json:
            rows = [{**state(r), "acceptance": acceptance_state(r), "overdue": is_overdue(r)} for r in risks]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        table = Table(
            "ref", "unit", "system", "title", "L×I", "level", "residual", "treatment", "due", "status"
        )
        for r in risks:
            table.add_row(
                r.ref,
                r.unit.code,
                r.system.code if r.system is not None else "",
                r.title,
                f"{r.likelihood}×{r.impact}",
                r.level,
                r.residual_level,
                r.treatment,
                r.due.isoformat() if r.due else "",
                "closed" if r.closed else r.treatment_status,
            )
        console.print(table)

    @risk.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_command(file) -> None:
        """Apply a register sheet (XLSX); refused whole, every bad row named, when one row is wrong."""
        from lakthan.risks.services.register_io import import_register

        done = import_register(file.read_bytes(), file.name, actor=ACTOR)
        console.print(f"imported {file.name}: {done.rows} rows, {done.added} added, {done.changed} changed")

    @risk.command("export")
    @click.option("--unit", "unit_code", required=True)
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def export_command(unit_code, file) -> None:
        """Write the register of a unit as XLSX (the layout import reads)."""
        from lakthan.risks.services.register_io import export_register

        data = export_register(_unit(unit_code))
        partial = file.with_name(file.name + ".part")
        partial.write_bytes(data)
        partial.replace(file)
        console.print(f"wrote {file} ({len(data)} bytes)")

    @risk.group("matrix")
    def matrix_group() -> None:
        """The risk matrix (likelihood × impact → level) in force."""

    @matrix_group.command("load")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def matrix_load(file) -> None:
        """Put a matrix (YAML) in force for risks assessed from now on; existing risks keep theirs."""
        from lakthan.risks.services.register import load_matrix

        row = load_matrix(file.read_bytes(), file.name, ACTOR)
        console.print(f"matrix {row.name} in force (sha256 {row.sha256[:12]})")

    @matrix_group.command("show")
    def matrix_show() -> None:
        """The matrix in force: each cell's level."""
        from lakthan.risks.services.register import active_matrix

        row, matrix = active_matrix()
        console.print(f"{matrix.title_th} / {matrix.title_en} ({row.name}, sha256 {row.sha256[:12]})")
        table = Table("likelihood \\ impact", *(f"{s.value} {s.label_th}" for s in matrix.impact))
        for li in reversed(matrix.likelihood):
            table.add_row(
                f"{li.value} {li.label_th}",
                *(matrix.level(li.value, im.value).label_th for im in matrix.impact),
            )
        console.print(table)
        for level in matrix.levels:
            console.print(
                f"{level.code}: {level.label_th} / {level.label_en} (≥ {level.min_score}) {level.colour}"
            )
