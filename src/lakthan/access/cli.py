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
    "--lakthan", is_flag=True, help="Lakthan's own users (roles as groups) as the system's accounts"
)
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
    lakthan,
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
        lakthan=lakthan,
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


@hr_group.command("link")
@click.argument("employee_id")
@click.argument("person_id", required=False)
@click.option("--clear", is_flag=True, help="undo the link")
def hr_link(employee_id, person_id, clear):
    """Say which person of Lakthan (lakthan person list) an employee of the roster is."""
    from lakthan.access.services.accounts import get_employee
    from lakthan.access.services.roster import link_employee_to_person
    from lakthan.core.errors import InvalidInput
    from lakthan.core.services import get_person

    if bool(person_id) == clear:
        raise InvalidInput(
            "ระบุหมายเลขบุคคล หรือ --clear อย่างใดอย่างหนึ่ง", "give a PERSON_ID or --clear, not both"
        )
    employee = link_employee_to_person(
        get_employee(employee_id), None if clear else get_person(person_id), actor="cli"
    )
    who = f"person #{employee.person.pk} {employee.person.display_name}" if employee.person else "nobody"
    console.print(f"{employee.employee_id} is {who}", highlight=False, markup=False)


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
        # one finding a line: the whole list through the C encoder in one call (indent= takes the
        # pure-Python one, a second on 25,000 findings), then a line break before each finding (a
        # quote inside a string is escaped, so the pattern only matches between findings)
        text = json.dumps([f.as_json() for f in found], ensure_ascii=False)
        click.echo(text.replace('}, {"kind": ', '},\n{"kind": ') if found else "[]")
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
    """Disable every enabled account of a leaver and, past the grace period, remove movers from their old
    post's groups (or open a task where Lakthan may not write)."""
    from django.utils import timezone

    from lakthan.access.services.remediate import remediate

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    steps = remediate(day, dry_run=dry_run, actor="cli")
    for step in steps:
        after = "moving" if step.group else "leaving"
        days = f" ({step.days} days after {after})" if step.days is not None else ""
        error = f": {step.error}" if step.error else ""
        prefix = "would " if dry_run else ""
        group = f" from group {step.group}" if step.group else ""
        console.print(
            f"{prefix}{step.action} {step.account}{group} [{step.person}]{days}{error}",
            highlight=False,
            markup=False,
        )
    movers = sum(1 for step in steps if step.group)
    console.print(f"{len(steps) - movers} leaver account(s)", highlight=False)
    if movers:
        console.print(f"{movers} mover membership(s)", highlight=False)
    if any(step.action == "failed" for step in steps):
        sys.exit(1)


@access.command("link")
@click.argument("account_ref", metavar="SOURCE:USERNAME")
@click.argument("employee_id")
def link_command(account_ref, employee_id):
    """The account is this person's (an orphan settled), whatever its employee id attribute says."""
    from lakthan.access.services.accounts import get_employee, link_to_person, parse_account_ref

    account = link_to_person(parse_account_ref(account_ref), get_employee(employee_id), actor="cli")
    console.print(f"{account} linked to {employee_id}", highlight=False, markup=False)


@access.command("unlink")
@click.argument("account_ref", metavar="SOURCE:USERNAME")
def unlink_command(account_ref):
    """Undo a link: the account is judged by its employee id attribute again."""
    from lakthan.access.services.accounts import link_to_person, parse_account_ref

    account = link_to_person(parse_account_ref(account_ref), None, actor="cli")
    console.print(f"{account} unlinked", highlight=False, markup=False)


@access.command("service")
@click.argument("account_ref", metavar="SOURCE:USERNAME")
@click.option("--owner", "owner_id", default=None, help="employee id of who answers for it")
@click.option("--not-service", is_flag=True, help="not a service account after all")
def service_command(account_ref, owner_id, not_service):
    """Mark a service account (no person logs in with it) and its owner."""
    from lakthan.access.services.accounts import (
        get_employee,
        mark_service,
        parse_account_ref,
        unmark_service,
    )
    from lakthan.core.errors import InvalidInput

    account = parse_account_ref(account_ref)
    if not_service:
        if owner_id:
            raise InvalidInput(
                "--owner ใช้กับ --not-service ไม่ได้", "--owner and --not-service exclude each other"
            )
        unmark_service(account, actor="cli")
        console.print(f"{account} is not a service account", highlight=False, markup=False)
        return
    owner = get_employee(owner_id) if owner_id else None
    mark_service(account, owner, actor="cli")
    console.print(
        f"{account} is a service account, owner {owner_id or '(none yet)'}", highlight=False, markup=False
    )


@access.command("logins-from-logs")
@click.option(
    "--since",
    default=None,
    help="read events from this day (YYYY-MM-DD); default: segments sealed since the last reading",
)
def logins_from_logs_command(since):
    """Record the successful logins of the usage logs (sshd, sign-ins) on the accounts of the hosts' systems."""
    from datetime import datetime, time

    from django.utils import timezone

    from lakthan.access.services.logins import last_scan, record_logins
    from lakthan.lib.timezones import BANGKOK
    from lakthan.monitoring.services.logins import successful_logins

    read_at = timezone.now()
    day = parse_date(since, "--since")
    start = datetime.combine(day, time(), tzinfo=BANGKOK) if day else None
    previous = last_scan()
    sealed_since = previous.at if (previous is not None and start is None) else None
    scan = record_logins(
        successful_logins(since=start, sealed_since=sealed_since),
        since=start,
        sealed_since=sealed_since,
        read_at=read_at,
        actor="cli",
    )
    console.print(
        f"{scan.logins} (host, user) logins read, {scan.matched} of an account of the host's systems, "
        f"{scan.accounts_updated} account(s) with a later login",
        highlight=False,
    )


@access.group("roles")
def roles_group() -> None:
    """The catalogue of roles per duty: groups per position and system, segregation-of-duty pairs."""


@roles_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def roles_import(file: Path):
    """Import the catalogue (YAML); a bad line refuses the whole file, the previous one stays."""
    from lakthan.access.services.roles import import_catalogue

    record = import_catalogue(file.read_bytes(), file.name, actor="cli")
    console.print(
        f"imported {record.rules.count()} rule(s) and {record.sod_pairs.count()} SoD pair(s) from "
        f"{record.file_name} (sha256 {record.sha256[:12]}…); it replaces the previous catalogue",
        highlight=False,
    )


@roles_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def roles_list(as_json):
    """The catalogue in force: rules per system and position, SoD pairs."""
    from lakthan.access.services.roles import listing

    data = listing()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if data["catalogue"] is None:
        console.print("no role catalogue: no excess_right nor sod_conflict finding", highlight=False)
        return
    meta = data["catalogue"]
    console.print(
        f"catalogue {meta['label'] or meta['file_name']} imported {meta['at']} by {meta['actor']} "
        f"(sha256 {meta['sha256'][:12]}…)",
        highlight=False,
        markup=False,
    )
    rules = Table("system", "position", "unit", "groups")
    for r in data["rules"]:
        rules.add_row(r["system"], r["position"], r["unit"] or "-", ", ".join(r["groups"]))
    console.print(rules)
    pairs = Table("system", "group A", "group B", "reason")
    for p in data["sod"]:
        pairs.add_row(p["system"], p["pair"][0], p["pair"][1], p["reason"])
    console.print(pairs)


@access.group("campaign")
def campaign_group() -> None:
    """Review campaigns: rights reviewed by the unit heads (or system owners) before a due date."""


@campaign_group.command("start")
@click.option("--unit", "unit_code", required=True, help="unit code (its systems and those below)")
@click.option("--system", "system_code", default=None, help="only this inventory system")
@click.option("--privileged", is_flag=True, help="only privileged groups")
@click.option("--due", required=True, help="due date YYYY-MM-DD")
@click.option(
    "--fallback", "fallback_id", default=None, help="fallback reviewer (person id; default the unit head)"
)
@click.option("--name", default="", help="the campaign's name")
@click.option(
    "--no-answer", type=click.Choice(["keep", "revoke"]), default=None, help="what an unanswered item becomes"
)
def campaign_start(unit_code, system_code, privileged, due, fallback_id, name, no_answer):
    """Snapshot the rights in scope and open a campaign."""
    from lakthan.access.services.campaigns import start
    from lakthan.core.errors import InvalidInput
    from lakthan.core.services import get_person, get_unit
    from lakthan.inventory.services import get_system

    due_date = parse_date(due, "--due")
    if due_date is None:
        raise InvalidInput("ระบุวันครบกำหนด --due YYYY-MM-DD", "give the due date: --due YYYY-MM-DD")
    campaign = start(
        get_unit(unit_code),
        due_date,
        system=get_system(system_code) if system_code else None,
        privileged_only=privileged,
        fallback=get_person(fallback_id) if fallback_id else None,
        name=name,
        no_answer=no_answer,
        actor="cli",
    )
    reviewers = campaign.items.values("reviewer").distinct().count()
    console.print(
        f'campaign {campaign.pk} "{campaign.name}": {campaign.items.count()} rights, {reviewers} reviewer(s), '
        f"due {campaign.due.isoformat()}, no answer: {campaign.no_answer}",
        highlight=False,
        markup=False,
    )


@campaign_group.command("list")
def campaign_list():
    """Every campaign, newest first."""
    from lakthan.access.services.campaign_status import campaign_rows

    table = Table("id", "name", "unit", "state", "due", "decided", "items")
    for row in campaign_rows():
        table.add_row(
            str(row["id"]),
            row["name"],
            row["unit"],
            row["state"],
            row["due"],
            str(row["decided"]),
            str(row["items"]),
        )
    console.print(table)


@campaign_group.command("status")
@click.argument("campaign_id")
@click.option("--json", "as_json", is_flag=True)
def campaign_status(campaign_id, as_json):
    """Counts per decision and per reviewer; overdue reviewers."""
    from django.utils import timezone

    from lakthan.access.services.campaign_status import status
    from lakthan.access.services.campaigns import get_campaign

    data = status(get_campaign(campaign_id), timezone.localdate())
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console.print(
        f"{data['name']} [{data['state']}] due {data['due']}: "
        + ", ".join(f"{k} {v}" for k, v in data["decisions"].items())
        + (" — OVERDUE" if data["overdue"] else ""),
        highlight=False,
        markup=False,
    )
    table = Table("reviewer", "role", "pending", "keep", "revoke", "no answer")
    for r in data["reviewers"]:
        table.add_row(
            f"{r['name']} (#{r['person_id']})",
            ", ".join(r["roles"]),
            str(r["pending"]),
            str(r["keep"]),
            str(r["revoke"]),
            str(r["no_answer"]),
        )
    console.print(table)


@campaign_group.command("decide")
@click.argument("campaign_id")
@click.argument("decision", type=click.Choice(["keep", "revoke"]))
@click.option("--as", "person_id", required=True, help="the reviewer deciding (person id)")
@click.option(
    "--item", "items", multiple=True, type=int, help="item id (repeat); none: every pending item of yours"
)
@click.option("--comment", default="", help="required to revoke")
def campaign_decide(campaign_id, decision, person_id, items, comment):
    """Keep or revoke items (without --item: keep every pending item the reviewer may decide)."""
    from lakthan.access.services.campaigns import decide, get_campaign, keep_all_pending
    from lakthan.core.errors import InvalidInput
    from lakthan.core.services import get_person

    campaign, person = get_campaign(campaign_id), get_person(person_id)
    if items:
        n = decide(campaign, items, decision, by=person, comment=comment, actor="cli")
    elif decision == "keep":
        n = keep_all_pending(campaign, by=person, actor="cli")
    else:
        raise InvalidInput("ระบุรายการที่จะเพิกถอน (--item)", "name the items to revoke (--item)")
    campaign.refresh_from_db()
    console.print(f"{n} item(s) {decision}; campaign {campaign.pk} is {campaign.state}", highlight=False)


@campaign_group.command("close")
@click.argument("campaign_id")
def campaign_close(campaign_id):
    """Close now: the no-answer policy on pending items, then the revoked rights removed."""
    from lakthan.access.services.campaigns import close, get_campaign

    campaign = close(get_campaign(campaign_id), actor="cli")
    removal = campaign.items.exclude(removal="").values_list("removal", flat=True)
    counts: dict[str, int] = {}
    for r in removal:
        counts[r] = counts.get(r, 0) + 1
    console.print(
        f"campaign {campaign.pk} {campaign.state}; removals: "
        + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"),
        highlight=False,
    )
    if counts.get("failed"):
        sys.exit(1)


@campaign_group.command("report")
@click.argument("campaign_id")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def campaign_report(campaign_id, output: Path):
    """The campaign report as PDF (Thai official style): the evidence of a regular review."""
    from lakthan.access.services.campaign_report import report_pdf
    from lakthan.access.services.campaigns import get_campaign

    data = report_pdf(get_campaign(campaign_id))
    tmp = output.with_name(output.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(output)
    console.print(f"wrote {output} ({len(data)} bytes)", highlight=False)


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
