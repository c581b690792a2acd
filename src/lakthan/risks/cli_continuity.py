"""`lakthan bcp target …`, `bcp scenario …` and `bcp plan …`: continuity targets, crisis scenarios and
the continuity plan (added to the `bcp` group by risks/cli.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console

ACTOR = "cli"


def _duration(text: str | None, option: str) -> int | None:
    from lakthan.core.errors import InvalidInput
    from lakthan.lib.durations import BadDuration, parse_duration

    if text is None:
        return None
    try:
        return parse_duration(text)
    except BadDuration:
        raise InvalidInput(
            f"{option} '{text}' ไม่ใช่ระยะเวลา (เช่น 30m, 4h, 1d)",
            f"{option} '{text}' is not a duration such as 30m, 4h or 1d",
        ) from None


def _read(path: str, what: str) -> bytes:
    from lakthan.core.errors import InvalidInput

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"อ่านไฟล์{what} {path} ไม่ได้ ({exc.strerror})",
            f"cannot read the {what} file {path} ({exc.strerror})",
        ) from None


def _fy(value: int) -> int:
    from lakthan.risks.services.plan import check_fiscal_year

    return check_fiscal_year(value)


@click.group("target")
def target_group() -> None:
    """Recovery targets (RTO, RPO, MTD) per inventory system."""


@target_group.command("set")
@click.argument("system")
@click.option("--rto", required=True, help="recovery time objective: 30m, 4h, 1d …")
@click.option("--rpo", required=True, help="recovery point objective: how much data may be lost")
@click.option("--mtd", default=None, help="maximum tolerable downtime (not shorter than the RTO)")
@click.option("--depends-on", "depends_on", multiple=True, help="a system this one needs (repeatable)")
@click.option("--manual-file", default=None, help="text file: how work goes on by hand while it is down")
def target_set(system, rto, rpo, mtd, depends_on, manual_file) -> None:
    from lakthan.inventory.services import get_system
    from lakthan.lib.durations import format_duration
    from lakthan.risks.services.continuity import set_target, target_of

    rto_s, rpo_s, mtd_s = _duration(rto, "--rto"), _duration(rpo, "--rpo"), _duration(mtd, "--mtd")
    found = get_system(system)
    if manual_file is not None:
        manual = _read(manual_file, "คู่มือ").decode("utf-8-sig", errors="replace")
    else:
        current = target_of(found)
        manual = current.manual_procedure if current else ""
    target = set_target(
        found,
        rto_s=rto_s or 0,
        rpo_s=rpo_s or 0,
        mtd_s=mtd_s,
        depends_on=list(depends_on),
        manual_procedure=manual,
        actor=ACTOR,
    )
    mtd_text = f" MTD {format_duration(target.mtd_s)}" if target.mtd_s else ""
    console.print(
        f"{found.code}: RTO {format_duration(target.rto_s)} RPO {format_duration(target.rpo_s)}{mtd_text}",
        highlight=False,
    )


@target_group.command("list")
@click.option("--unit", "unit_code", default=None, help="this unit and those below it")
@click.option("--json", "as_json", is_flag=True)
def target_list(unit_code, as_json) -> None:
    from lakthan.core.services import get_unit
    from lakthan.lib.durations import format_duration
    from lakthan.risks.services.continuity import HIGH_CRITICALITY, systems_with_targets

    unit_ids = set(get_unit(unit_code).descendant_ids()) if unit_code else None
    rows: list[dict] = []
    for system, target in systems_with_targets(unit_ids):
        rows.append(
            {
                "system": system.code,
                "unit": system.unit.code,
                "criticality": system.criticality,
                "rto_s": target.rto_s if target else None,
                "rpo_s": target.rpo_s if target else None,
                "mtd_s": target.mtd_s if target else None,
                "depends_on": sorted(s.code for s in target.depends_on.all()) if target else [],
                "missing": target is None and system.criticality >= HIGH_CRITICALITY,
            }
        )
    if as_json:
        click.echo(json.dumps({"targets": rows}, ensure_ascii=False, indent=2))
        return
    table = Table("system", "unit", "crit.", "RTO", "RPO", "MTD", "depends on")
    for r in rows:
        fmt = [format_duration(r[k]) if r[k] else "-" for k in ("rto_s", "rpo_s", "mtd_s")]
        name = f"[red]{r['system']} (no target)[/red]" if r["missing"] else r["system"]
        table.add_row(name, r["unit"], str(r["criticality"]), *fmt, ", ".join(r["depends_on"]))
    console.print(table)


@click.group("scenario")
def scenario_group() -> None:
    """Crisis scenarios of a unit: fire, flood, earthquake, power, cyber, system-down."""


@scenario_group.command("load")
@click.option("--unit", "unit_code", required=True)
@click.argument("file", required=False)
def scenario_load(unit_code, file) -> None:
    """Sets the unit's scenarios from FILE.yaml (default: the bundled Thai scenarios)."""
    from lakthan.core.services import get_unit
    from lakthan.risks.engines.scenarios import DEFAULT_PATH
    from lakthan.risks.services.continuity import load_scenarios

    data = _read(file, "สถานการณ์") if file else DEFAULT_PATH.read_bytes()
    loaded = load_scenarios(get_unit(unit_code), data, actor=ACTOR)
    console.print(
        f"{unit_code}: {len(loaded)} scenarios ({', '.join(s.kind for s in loaded)})", highlight=False
    )


@scenario_group.command("list")
@click.option("--unit", "unit_code", required=True)
def scenario_list(unit_code) -> None:
    from lakthan.core.services import get_unit
    from lakthan.risks.services.continuity import scenario_title, scenarios

    table = Table("kind", "title", "steps", "contacts", "alternate site")
    for s in scenarios(get_unit(unit_code)):
        table.add_row(s.kind, scenario_title(s), str(len(s.steps)), str(len(s.contacts)), s.alternate_site)
    console.print(table)


@click.group("plan", invoke_without_command=True)
@click.option("--unit", "unit_code", default=None)
@click.option("--fy", type=int, default=None, help="fiscal year B.E., e.g. 2569")
@click.option("--out", default=None, help="FILE.docx or FILE.pdf")
@click.pass_context
def plan_group(ctx, unit_code, fy, out) -> None:
    """Writes the continuity plan of a unit for a fiscal year (`bcp plan --unit CODE --fy B.E. --out
    FILE.docx|FILE.pdf`), or approves it (`bcp plan approve …`)."""
    if ctx.invoked_subcommand is not None:
        return
    from lakthan.core.errors import InvalidInput
    from lakthan.core.services import get_unit
    from lakthan.risks.services.plan import render_plan

    if not unit_code or fy is None or not out:
        raise InvalidInput("ต้องระบุ --unit --fy และ --out", "--unit, --fy and --out are required")
    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise InvalidInput(f"{out}: ต้องเป็นไฟล์ .docx หรือ .pdf", f"{out}: must end in .docx or .pdf")
    data = render_plan(get_unit(unit_code), _fy(fy), fmt)
    target = Path(out)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # never a half-written plan
    console.print(f"wrote {out} ({len(data):,} bytes)", highlight=False)


@plan_group.command("approve")
@click.option("--unit", "unit_code", required=True)
@click.option("--fy", type=int, required=True, help="fiscal year B.E.")
@click.option("--approver", "approver_id", required=True, help="the approving person's id")
@click.option("--note", default="")
def plan_approve(unit_code, fy, approver_id, note) -> None:
    from lakthan.core.services import get_person, get_unit
    from lakthan.risks.services.plan import approve_plan

    approval = approve_plan(
        get_unit(unit_code), _fy(fy), approver=get_person(approver_id), note=note, actor=ACTOR
    )
    console.print(
        f"{unit_code} FY {fy} plan version {approval.version} approved by {approval.approved_by.display_name}\n"
        f"  docx sha256 {approval.docx_sha256}\n  pdf  sha256 {approval.pdf_sha256}",
        highlight=False,
    )


@plan_group.command("verify")
@click.option("--unit", "unit_code", required=True)
@click.option("--fy", type=int, required=True)
def plan_verify(unit_code, fy) -> None:
    """Re-hashes the stored documents of every approval of the year; exit 1 when one is changed or gone."""
    from lakthan.core.services import get_unit
    from lakthan.risks.services.plan import approvals, verify_approval

    failed = False
    for approval in approvals(get_unit(unit_code), _fy(fy)):
        problems = verify_approval(approval)
        failed = failed or bool(problems)
        for p in problems:
            click.echo(f"FAIL {p.message_en}", err=True)
        if not problems:
            click.echo(
                f"ok   version {approval.version}: docx {approval.docx_sha256} pdf {approval.pdf_sha256}"
            )
    if failed:
        sys.exit(1)


COMMANDS = [target_group, scenario_group, plan_group]
