"""`lakthan access …`: identity sources, sync, the HR roster, findings and the remediation of leavers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console, parse_date


@click.group()
def access() -> None:
    """Access rights (item 10): accounts from directories and user tables, the HR roster, findings."""


@access.group("source")
def source_group() -> None:
    """Where the accounts of a system are read (LDAP / AD, or a CSV export)."""


@source_group.command("add")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="unit code")
@click.option(
    "--system", default=None, help="inventory system code (an LDAP source without one is a system of its own)"
)
@click.option("--ldap", "ldap_url", default="", help="ldap://host:port or ldaps://…")
@click.option("--bind-dn", default="")
@click.option("--password-file", default="", help="file holding the bind password")
@click.option("--base-dn", default="")
@click.option("--employee-id-attribute", default="employeeNumber", show_default=True)
@click.option("--csv", "csv_path", default="", help="CSV or XLSX export of an application's user table")
@click.option(
    "--write", "may_write", is_flag=True, help="Lakthan may disable leavers' accounts in the directory"
)
def source_add(
    name,
    unit_code,
    system,
    ldap_url,
    bind_dn,
    password_file,
    base_dn,
    employee_id_attribute,
    csv_path,
    may_write,
):
    from lakthan.access.services.sources import add_source
    from lakthan.core.services import get_unit

    source = add_source(
        name,
        unit=get_unit(unit_code),
        system=system,
        ldap_url=ldap_url,
        bind_dn=bind_dn,
        password_file=password_file,
        base_dn=base_dn,
        csv_path=csv_path,
        may_write=may_write,
        employee_id_attribute=employee_id_attribute,
        actor="cli",
    )
    console.print(
        f"added {source.kind} source {source.name} for system {source.system.code}", highlight=False
    )


@access.command("sync")
@click.argument("name", required=False)
@click.option("--all", "sync_all", is_flag=True, help="every source")
def sync_command(name, sync_all):
    """Read a source's accounts, groups and memberships now."""
    from lakthan.access.models import IdentitySource
    from lakthan.access.services.sources import get_source
    from lakthan.access.services.sync import sync
    from lakthan.core.errors import InvalidInput

    if bool(name) == bool(sync_all):
        raise InvalidInput("ระบุชื่อแหล่ง หรือ --all อย่างใดอย่างหนึ่ง", "give a source NAME or --all, not both")
    sources = list(IdentitySource.objects.all()) if sync_all else [get_source(name)]
    for source in sources:
        run = sync(source, actor="cli")
        console.print(
            f"{source.name}: {run.accounts_seen} accounts ({run.added} new, {run.changed} changed, {run.gone} gone), "
            f"{run.groups_seen} groups, memberships +{run.memberships_added} -{run.memberships_ended} "
            f"in {(run.finished_at - run.started_at).total_seconds():.2f} s",
            highlight=False,
        )


@access.group("hr")
def hr_group() -> None:
    """The HR roster (the source of truth for people)."""


@hr_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def hr_import(file: Path):
    """Import a roster (CSV UTF-8 / cp874, or XLSX); a bad row refuses the whole file."""
    from lakthan.access.services.roster import import_roster

    record = import_roster(file.read_bytes(), file.name, actor="cli")
    console.print(
        f"imported {record.rows} rows from {record.file_name}: {record.added} new, {record.changed} changed, "
        f"{record.unchanged} unchanged (sha256 {record.sha256[:12]}…)",
        highlight=False,
    )


@access.command("findings")
@click.option("--unit", "unit_code", default=None, help="only the systems of this unit and below")
@click.option("--as-of", default=None, help="the day judged, YYYY-MM-DD (default today)")
@click.option("--json", "as_json", is_flag=True)
def findings_command(unit_code, as_of, as_json):
    """Leavers still enabled, dormant and orphan accounts, service accounts without owner, old passwords."""
    from django.utils import timezone

    from lakthan.access.services.findings import findings
    from lakthan.core.services import get_unit

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    found = findings(day, get_unit(unit_code) if unit_code else None)
    if as_json:
        click.echo(json.dumps([f.as_json() for f in found], ensure_ascii=False, indent=2))
        return
    table = Table("kind", "account", "system", "person", "detail")
    for f in found:
        table.add_row(f.kind, f.account, f.system, f.person or "-", json.dumps(f.detail, ensure_ascii=False))
    console.print(table)
    console.print(f"{len(found)} finding(s) as of {day.isoformat()}", highlight=False)


@access.command("remediate")
@click.option("--as-of", default=None, help="the day judged, YYYY-MM-DD (default today)")
@click.option("--dry-run", is_flag=True, help="say what would be done, change nothing")
def remediate_command(as_of, dry_run):
    """Disable every enabled account of a leaver (or open a task where Lakthan may not write)."""
    from django.utils import timezone

    from lakthan.access.services.remediate import remediate

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    steps = remediate(day, dry_run=dry_run, actor="cli")
    for step in steps:
        days = f" ({step.days} days after leaving)" if step.days is not None else ""
        error = f": {step.error}" if step.error else ""
        prefix = "would " if dry_run else ""
        console.print(
            f"{prefix}{step.action} {step.account} [{step.person}]{days}{error}",
            highlight=False,
            markup=False,
        )
    console.print(f"{len(steps)} leaver account(s)", highlight=False)
    if any(step.action == "failed" for step in steps):
        sys.exit(1)


@access.group("request")
def request_group() -> None:
    """Access requests (the account request form): file, approve or reject, apply, expire, print."""


def _request_line(r) -> str:
    until = r.until.isoformat() if r.until else "-"
    return f"#{r.pk} {r.state} {r.employee.employee_id} {r.system.code}:{r.right_name} until {until}"


@request_group.command("create")
@click.option("--employee", "employee_id", required=True, help="employee id of the HR roster")
@click.option("--system", "system_code", required=True, help="inventory system code")
@click.option("--group", "group_name", default="", help="a group of the system's source")
@click.option("--role", "role_name", default="", help="a role named in words (applied by hand)")
@click.option("--justification", required=True)
@click.option("--until", default=None, help="last day of the right, YYYY-MM-DD (or YYYY-MM-DDBE)")
def request_create(employee_id, system_code, group_name, role_name, justification, until):
    """File a request (pending the unit head's and the system owner's approvals)."""
    from lakthan.access.services.requests import create_request, find_employee, find_group
    from lakthan.inventory.services import get_system

    system = get_system(system_code)
    request = create_request(
        employee=find_employee(employee_id),
        system=system,
        group=find_group(system, group_name) if group_name else None,
        role_name=role_name,
        justification=justification,
        until=parse_date(until, "--until"),
        actor="cli",
    )
    console.print(f"filed {_request_line(request)}", highlight=False, markup=False)


def _decide_command(request_id, person_id, decision, comment):
    from lakthan.access.services.requests import decide, get_request
    from lakthan.core.services import get_person

    request = decide(get_request(request_id), get_person(person_id), decision, comment or "", actor="cli")
    console.print(_request_line(request), highlight=False, markup=False)
    if request.state == "approved" and request.grant.apply_error:
        console.print(f"not applied: {request.grant.apply_error}", highlight=False, markup=False)
        sys.exit(1)


@request_group.command("approve")
@click.argument("request_id")
@click.option("--person", "person_id", required=True, help="id of the approving person (unit head or owner)")
@click.option("--comment", default="")
def request_approve(request_id, person_id, comment):
    """Approve for every role the person holds on the request; the second approval applies the grant."""
    _decide_command(request_id, person_id, "approve", comment)


@request_group.command("reject")
@click.argument("request_id")
@click.option("--person", "person_id", required=True, help="id of the deciding person (unit head or owner)")
@click.option("--comment", required=True, help="why (required)")
def request_reject(request_id, person_id, comment):
    """Reject, with the reason."""
    _decide_command(request_id, person_id, "reject", comment)


@request_group.command("list")
@click.option("--state", default=None, help="pending, approved, applied, rejected or expired")
@click.option("--json", "as_json", is_flag=True)
def request_list(state, as_json):
    """Requests, newest first."""
    from lakthan.access.models import AccessRequest
    from lakthan.core.errors import InvalidInput

    rows = AccessRequest.objects.select_related("employee", "system", "group")
    if state:
        if state not in AccessRequest.State.values:
            raise InvalidInput(f"สถานะ '{state}' ไม่ถูกต้อง", f"unknown state '{state}'")
        rows = rows.filter(state=state)
    if as_json:
        data = [
            {
                "id": r.pk,
                "state": r.state,
                "employee": r.employee.employee_id,
                "person": r.employee.display_name,
                "system": r.system.code,
                "right": r.right_name,
                "until": r.until.isoformat() if r.until else None,
                "requested_at": r.requested_at.isoformat(),
            }
            for r in rows
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("id", "state", "person", "system", "right", "until")
    for r in rows:
        name = f"{r.employee.employee_id} {r.employee.display_name}"
        table.add_row(str(r.pk), r.state, name, r.system.code, r.right_name, str(r.until or "-"))
    console.print(table)


@request_group.command("apply")
@click.argument("request_id")
@click.option("--manual", is_flag=True, help="the administrator applied it by hand: record that")
def request_apply(request_id, manual):
    """Apply an approved grant in the directory now (or, --manual, mark it applied by hand)."""
    from lakthan.access.services.requests import apply_grant, get_request, mark_applied

    request = get_request(request_id)
    grant = mark_applied(request, actor="cli") if manual else apply_grant(request, actor="cli")
    how = "by hand" if manual else "in the directory" + (", account unlocked" if grant.unlocked else "")
    console.print(f"applied #{request.pk} {how} at {grant.applied_at:%Y-%m-%d %H:%M}", highlight=False)


@request_group.command("expire")
@click.option("--as-of", default=None, help="the day judged, YYYY-MM-DD (default today)")
def request_expire(as_of):
    """Take back every grant whose last day has passed (the scheduled job does this each night)."""
    from lakthan.access.services.requests import expire_grants

    steps = expire_grants(parse_date(as_of, "--as-of"), actor="cli")
    for step in steps:
        error = f": {step.error}" if step.error else ""
        console.print(
            f"{step.action} #{step.request_id} {step.person} {step.right}{error}",
            highlight=False,
            markup=False,
        )
    console.print(f"{len(steps)} grant(s) past their last day", highlight=False)
    if any(step.action == "failed" for step in steps):
        sys.exit(1)


@request_group.command("pdf")
@click.argument("request_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def request_pdf(request_id, output: Path):
    """The printable request form (PDF, official style)."""
    from lakthan.access.services.request_form import request_form_pdf
    from lakthan.access.services.requests import get_request

    pdf = request_form_pdf(get_request(request_id))
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(pdf)
    partial.replace(output)
    console.print(f"wrote {output} ({len(pdf):,} bytes)", highlight=False)


COMMANDS = [access]
