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
@click.option("--full", is_flag=True, help="read every entry (else a directory gives only what changed)")
def sync_command(name, sync_all, full):
    """Read a source's accounts, groups and memberships now."""
    from lakthan.access.models import IdentitySource
    from lakthan.access.services.sources import get_source
    from lakthan.access.services.sync import sync
    from lakthan.core.errors import InvalidInput

    if bool(name) == bool(sync_all):
        raise InvalidInput("ระบุชื่อแหล่ง หรือ --all อย่างใดอย่างหนึ่ง", "give a source NAME or --all, not both")
    sources = list(IdentitySource.objects.all()) if sync_all else [get_source(name)]
    for source in sources:
        run = sync(source, actor="cli", full=full)
        console.print(
            f"{source.name}: {run.accounts_seen} accounts ({run.added} new, {run.changed} changed, {run.gone} gone), "
            f"{run.groups_seen} groups, memberships +{run.memberships_added} -{run.memberships_ended} "
            f"in {(run.finished_at - run.started_at).total_seconds():.2f} s "
            f"({'full' if run.full else 'incremental'} read)",
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
        # one finding a line, each through the C encoder (indent= takes the pure-Python one, a
        # second on 25,000 findings)
        lines = ",\n".join(json.dumps(f.as_json(), ensure_ascii=False) for f in found)
        click.echo(f"[\n{lines}\n]" if found else "[]")
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


COMMANDS = [access]
