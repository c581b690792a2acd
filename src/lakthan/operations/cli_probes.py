"""`lakthan ops probe …`, `ops availability` and `ops incidents`: probes of the agency's services and
websites, their availability per Bangkok month, and the incidents they opened."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from rich.table import Table

from lakthan.cli_common import console
from lakthan.core.errors import InvalidInput


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group("probe")
def probe_group() -> None:
    """Probes of services and websites: HTTP(S) with expected status and text, TCP, TLS days left."""


@probe_group.command("add")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="the unit the service belongs to")
@click.option("--url", default="", help="http(s) URL asked with GET (redirects not followed)")
@click.option("--expect", "expect_text", default="", help="text the body must contain")
@click.option("--status", default=200, type=int, show_default=True, help="the status expected")
@click.option("--tcp", default="", help="HOST:PORT to connect to (instead of --url)")
@click.option("--ca", "ca_file", default="", help="PEM of an internal CA (https only trusts it then)")
@click.option("--every", default="5m", show_default=True, help="interval: 30s, 5m, 1h …")
@click.option("--timeout", "timeout_s", default=10, type=int, show_default=True, help="seconds")
@click.option("--website", is_flag=True, help="a public website of the agency or a unit (item 8)")
@click.option("--system", "system_code", default=None, help="the inventory system it probes")
def probe_add(
    name, unit_code, url, expect_text, status, tcp, ca_file, every, timeout_s, website, system_code
) -> None:
    """Adds a probe (either --url or --tcp)."""
    from lakthan.core.services import get_unit
    from lakthan.inventory.services import get_system
    from lakthan.lib.durations import BadDuration, parse_duration
    from lakthan.operations.services.probes import add_probe, target

    try:
        every_s = parse_duration(every)
    except BadDuration:
        raise InvalidInput(
            f"--every '{every}' ไม่ใช่ช่วงเวลา (เช่น 30s, 5m, 1h)",
            f"--every '{every}' is not a duration (e.g. 30s, 5m, 1h)",
        ) from None
    probe = add_probe(
        name,
        get_unit(unit_code),
        url=url,
        expect_text=expect_text,
        status=status,
        tcp=tcp,
        ca_file=ca_file,
        every_s=every_s,
        timeout_s=timeout_s,
        website=website,
        system=get_system(system_code) if system_code else None,
        actor="cli",
    )
    console.print(f"probe {probe.name} added ({probe.kind} {target(probe)}, every {every})", markup=False)


@probe_group.command("run")
@click.argument("name", required=False)
@click.option("--all", "run_all", is_flag=True, help="every active probe")
def probe_run(name, run_all) -> None:
    """Runs a probe (or all) now and records the result; exit 1 when one is down."""
    from lakthan.operations.services import probes as svc

    if bool(name) == bool(run_all):
        raise InvalidInput("ระบุชื่อโพรบ หรือ --all อย่างใดอย่างหนึ่ง", "give a probe's NAME or --all, not both")
    results = svc.run_all() if run_all else [svc.run_probe(svc.get_probe(name))]
    for r in results:
        state = "up" if r.up else "down"
        tls = "" if r.tls_days_left is None else f" (TLS {r.tls_days_left} days left)"
        console.print(f"{r.probe.name}: {state} - {r.detail}{tls}", markup=False)
    if any(not r.up for r in results):
        sys.exit(1)


@probe_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def probe_list(as_json) -> None:
    """Every probe with its newest result."""
    from lakthan.operations.services.probes import probe_rows, visible_probes

    rows = probe_rows(visible_probes(None))
    if as_json:
        _dump(
            [
                {
                    "name": r["name"],
                    "unit": r["unit"],
                    "kind": r["kind"],
                    "target": r["target"],
                    "website": r["website"],
                    "last_status": r["last_status"],
                    "last_detail": r["last_detail"],
                    "tls_days_left": r["tls_days_left"],
                    "last_at": iso(r["last_at"]),
                }
                for r in rows
            ]
        )
        return
    table = Table("name", "unit", "target", "status", "detail", "TLS days", "last")
    for r in rows:
        days = "" if r["tls_days_left"] is None else str(r["tls_days_left"])
        if r["tls_warning"]:
            days = f"[yellow]{days} ![/yellow]"
        status = {"up": "[green]up[/green]", "down": "[red]down[/red]"}.get(r["last_status"], "–")
        table.add_row(
            r["name"], r["unit"], r["target"], status, r["last_detail"], days, iso(r["last_at"]) or "never"
        )
    console.print(table)


@probe_group.command("remove")
@click.argument("name")
def probe_remove(name) -> None:
    """Removes a probe with its results and incidents."""
    from lakthan.operations.services.probes import get_probe, remove_probe

    remove_probe(get_probe(name), actor="cli")
    console.print(f"probe {name} removed", markup=False)


@click.command("availability")
@click.argument("name")
@click.option("--from", "start", required=True, help="YYYY-MM-DD (a Bangkok day, included)")
@click.option("--to", "end", required=True, help="YYYY-MM-DD (a Bangkok day, included)")
@click.option("--json", "as_json", is_flag=True)
def availability_command(name, start, end, as_json) -> None:
    """Time-weighted availability of a probe per Bangkok month (gaps over 3 intervals unknown)."""
    from lakthan.cli_common import parse_date
    from lakthan.operations.services.availability import availability
    from lakthan.operations.services.probes import get_probe

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    if first is None or last is None:  # an empty value: parse_date reads it as not given
        raise InvalidInput(
            "ต้องระบุ --from และ --to เป็นวันที่ YYYY-MM-DD", "--from and --to need a day, YYYY-MM-DD"
        )
    data = availability(get_probe(name), first, last)
    if as_json:
        _dump(data)
        return

    def pct(ratio) -> str:
        return "–" if ratio is None else f"{ratio * 100:.3f}%"

    def hours(seconds) -> str:
        return f"{seconds / 3600:.2f}"

    table = Table("month", "availability", "up h", "down h", "unknown h")
    for m in data["months"]:
        table.add_row(
            m["month"], pct(m["ratio"]), hours(m["up_s"]), hours(m["down_s"]), hours(m["unknown_s"])
        )
    table.add_row(
        "all", pct(data["ratio"]), hours(data["up_s"]), hours(data["down_s"]), hours(data["unknown_s"])
    )
    console.print(table)


@click.command("incidents")
@click.option("--open", "open_only", is_flag=True, help="only those still open")
@click.option("--json", "as_json", is_flag=True)
def incidents_command(open_only, as_json) -> None:
    """Incidents opened and closed by the probes, newest first."""
    from lakthan.operations.services.probes import incident_row, incidents

    rows = [incident_row(i) for i in incidents(None, open_only=open_only)[:1000]]
    if as_json:
        _dump([{**r, "opened_at": iso(r["opened_at"]), "closed_at": iso(r["closed_at"])} for r in rows])
        return
    table = Table("id", "probe", "unit", "opened", "closed", "detail")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["probe"],
            r["unit"],
            iso(r["opened_at"]),
            iso(r["closed_at"]) or "open",
            r["detail"],
        )
    console.print(table)


def add_to(ops: click.Group) -> None:
    for command in (probe_group, availability_command, incidents_command):
        ops.add_command(command)
