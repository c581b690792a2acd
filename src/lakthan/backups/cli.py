"""`lakthan backup …`: systems, runs, verification, restore tests, import of history, compliance."""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from lakthan.cli_common import console, parse_date


@click.group()
def backup() -> None:
    """Backups of information systems (restic): runs, verification, restore tests, compliance (item 1)."""


@backup.group("system")
def system_group() -> None:
    """The inventory of information systems."""


@system_group.command("add")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="unit code")
@click.option("--class", "klass", required=True, type=click.Choice(["intranet", "internet"]))
@click.option("--path", "paths", multiple=True, help="a directory to back up (repeatable)")
@click.option("--postgres", default="", help="PostgreSQL DSN, dumped with pg_dump")
@click.option("--sqlite", default="", help="SQLite file, copied with the online backup API")
@click.option("--repo", default=None, help="restic repository (default $LAKTHAN_HOME/backups/repos/NAME)")
@click.option("--password-file", default=None, help="repository password file (default: generated, 0600)")
@click.option("--title", default="", help="the system's display name")
@click.option("--importance", default="medium", type=click.Choice(["low", "medium", "high"]))
@click.option("--min-per-window", type=int, default=None, help="override: backups required per window")
@click.option(
    "--window", default="", type=click.Choice(["", "iso_week", "month", "day"]), help="override: window"
)
@click.option("--reason", default="", help="why the policy is overridden (required with an override)")
@click.option(
    "--in-service-from", default=None, help="YYYY-MM-DD: first day compliance is judged (default today)"
)
def system_add(
    name,
    unit_code,
    klass,
    paths,
    postgres,
    sqlite,
    repo,
    password_file,
    title,
    importance,
    min_per_window,
    window,
    reason,
    in_service_from,
) -> None:
    from lakthan.backups.services.systems import add_system
    from lakthan.core.services import get_unit

    system = add_system(
        name,
        unit=get_unit(unit_code),
        klass=klass,
        paths=list(paths),
        postgres=postgres,
        sqlite=sqlite,
        repo=repo,
        password_file=password_file,
        title=title,
        importance=importance,
        min_per_window=min_per_window,
        window=window,
        override_reason=reason,
        in_service_from=parse_date(in_service_from, "--in-service-from"),
        actor="cli",
    )
    console.print(f"added system {system.name} ({system.system.klass}) repository {system.repository}")


@system_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def system_list(as_json) -> None:
    from lakthan.backups.models import BackupSystem
    from lakthan.backups.services.systems import policy_of

    rows = list(BackupSystem.objects.select_related("system__unit"))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "unit": s.system.unit.code,
                        "class": s.system.klass,
                        "source": s.source,
                        "repository": s.repository,
                        "policy": policy_of(s).__dict__,
                    }
                    for s in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table("name", "unit", "class", "source", "policy", "repository")
    for s in rows:
        p = policy_of(s)
        table.add_row(
            s.name,
            s.system.unit.code,
            s.system.klass,
            s.source,
            f"≥{p.min_per_window}/{p.window}",
            s.repository,
        )
    console.print(table)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@backup.command("run")
@click.argument("name", required=False)
@click.option("--all", "run_all", is_flag=True, help="every active system (and Lakthan itself)")
def run(name, run_all) -> None:
    """Back up one system now, or all of them."""
    from lakthan.backups.services import runs as svc
    from lakthan.backups.services.systems import get_system
    from lakthan.core.errors import InvalidInput

    if bool(name) == bool(run_all):
        raise InvalidInput("ระบุชื่อระบบ หรือ --all อย่างใดอย่างหนึ่ง", "give a system NAME or --all, not both")
    runs = svc.run_all("cli") if run_all else [svc.run_backup(get_system(name), "cli", actor="cli")]
    failed = []
    for r in runs:
        line = (
            f"{r.system.name}: {r.status} snapshot {r.snapshot_id[:8] or '-'} files {r.files_processed} "
            f"added {r.bytes_added} B in {r.duration:.1f} s"
        )
        if r.warnings:
            line += " unreadable: " + ", ".join(w["path"] for w in r.warnings)
        if r.error:
            line += f" ({r.error})"
        console.print(line, highlight=False, soft_wrap=True)
        if r.status == "failed":
            failed.append(f"{r.system.name}: {r.error}")
    if failed:
        _fail("; ".join(failed))


@backup.command("verify")
@click.argument("name")
@click.option(
    "--subset", default=None, help="n/N: read that part of the packs (default: the next part in rotation)"
)
def verify(name, subset) -> None:
    from lakthan.backups.services.systems import get_system
    from lakthan.backups.services.verify import verify

    v = verify(get_system(name), subset, actor="cli")
    console.print(
        f"{name}: check --read-data-subset {v.subset} {'ok' if v.ok else 'FAILED'} "
        f"(cycle {v.cycle}, coverage {v.coverage:.0%}, {v.packs_total} packs)",
        highlight=False,
    )
    if not v.ok:
        _fail(f"{name}: verification failed: {'; '.join(v.errors[:3])}")


@backup.command("restore-test")
@click.argument("name")
def restore_test(name) -> None:
    from lakthan.backups.services.systems import get_system
    from lakthan.backups.services.verify import restore_test

    t = restore_test(get_system(name), actor="cli")
    console.print(
        f"{name}: restored snapshot {t.snapshot_id[:8]} {t.files_restored}/{t.files_expected} files, "
        f"{t.files_hashed} hashed, {t.files_compared_to_source} compared with the source"
        f"{' (sample)' if t.sampled else ''} in {t.restore_seconds:.2f} s: {'ok' if t.ok else 'FAILED'}",
        highlight=False,
        soft_wrap=True,
    )
    if not t.ok:
        _fail(f"{name}: restore test failed: {t.error}")


@backup.command("import")
@click.argument("name")
@click.option("--repo", required=True)
@click.option("--password-file", required=True)
@click.option("--host", default=None)
@click.option("--path", default=None)
@click.option("--tag", default=None)
def import_(name, repo, password_file, host, path, tag) -> None:
    """Read an existing repository's snapshots into NAME's records (history before Lakthan)."""
    from lakthan.backups.services.runs import import_snapshots
    from lakthan.backups.services.systems import get_system

    n = import_snapshots(
        get_system(name),
        repo=repo,
        password_file=password_file,
        host=host,
        path=path,
        tag=tag,
        actor="cli",
    )
    console.print(f"{name}: imported {n} snapshot(s) from {repo}")


@backup.command("compliance")
@click.argument("name")
@click.option("--from", "start", required=True, help="YYYY-MM-DD")
@click.option("--to", "end", required=True, help="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True)
def compliance(name, start, end, as_json) -> None:
    from lakthan.backups.services.compliance import system_compliance
    from lakthan.backups.services.systems import get_system

    system = get_system(name)
    result = system_compliance(system, parse_date(start, "--from"), parse_date(end, "--to"))
    if as_json:
        click.echo(json.dumps(result.as_json(system.name), ensure_ascii=False, indent=2))
        return
    table = Table("window", "required", "actual", "")
    for w in result.windows:
        mark = {"met": "[green]met[/green]", "missed": "[red]MISSED[/red]", "open": "open"}[w.state]
        table.add_row(f"{w.start.isoformat()} – {w.end.isoformat()}", str(w.required), str(w.actual), mark)
    console.print(table)
    p = result.percent_met
    console.print(
        f"{system.name}: {len(result.missed)} missed window(s), "
        f"{'–' if p is None else p} % met (Asia/Bangkok)"
    )


COMMANDS = [backup]
