"""`lakthan logs …`: hosts, ingest, seal, verify, rules, detection, coverage, retention."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console, engine_options, parse_date


@click.group()
def logs() -> None:
    """Usage logs from every host, tamper-evident, kept ≥ 90 days, with intrusion detection (item 2)."""


@logs.group()
def host() -> None:
    """The inventory of hosts that must send logs."""


@host.command("add")
@click.argument("name")
@click.option("--unit", "unit_code", required=True)
@click.option("--addr", "addresses", multiple=True, help="IP address (repeatable)")
@click.option("--role", default="")
def host_add(name, unit_code, addresses, role) -> None:
    from lakthan.monitoring.services import hosts as log_hosts

    h = log_hosts.add_host(name, unit_code, addresses, role=role, actor="cli")
    console.print(f"host {h.name} ({h.unit.code}) added")


@host.command("list")
def host_list() -> None:
    from lakthan.monitoring.services import hosts as log_hosts

    table = Table("name", "unit", "addresses", "role")
    for h in log_hosts.hosts_of(None):
        table.add_row(h.name, h.unit.code, ", ".join(h.addresses), h.role)
    console.print(table)


@logs.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--host", "host_name", default=None, help="host for lines that do not name one (web logs)")
@click.option(
    "--format",
    "fmt",
    default="auto",
    type=click.Choice(["auto", "syslog", "auth", "nginx", "apache", "jsonl"]),
)
@click.option("--year", type=int, default=None, help="year of RFC 3164 time stamps (default: this year)")
def ingest(files, host_name, fmt, year) -> None:
    """Reads what is new in each FILE (offsets are remembered; rotation is followed)."""
    from lakthan.monitoring.services import ingest

    r = ingest.ingest_files(list(files), host=host_name, fmt=fmt, year=year)
    console.print(
        f"{r.events} events from {r.files} file(s), {r.unparsed} kept raw (not parsed); run `lakthan logs seal`"
    )
    if r.out_of_window:
        console.print(
            f"{r.out_of_window} event(s) gave a time far in the future or before 1990: the line keeps it, "
            "the event is timed when it was read"
        )


@logs.command()
def seal() -> None:
    """Seals the open events into a segment and signs a checkpoint."""
    from lakthan.monitoring.services import seal as sealing

    seg = sealing.seal()
    if seg is None:
        console.print("nothing to seal")
        return
    console.print(f"segment {seg.index}: {seg.count} events, root {seg.root}; checkpoint {seg.index} signed")


@logs.command()
@engine_options("spark: the segments checked on a Spark cluster's executors")
@click.option("--json", "as_json", is_flag=True)
def verify(engine, master, segments_url, as_json) -> None:
    """Recomputes everything from storage against the signed checkpoints (exit 1 if anything changed)."""
    from lakthan.monitoring.services import verification

    report = verification.verify(engine=engine, master=master, segments_url=segments_url)
    if as_json:
        click.echo(
            json.dumps(
                {k: report[k] for k in ("intact", "checkpoint", "problems")}, ensure_ascii=False, indent=1
            )
        )
    elif report["intact"]:
        cp = report["checkpoint"] or {}
        console.print(
            f"intact: {report['segments']} segments, {report['events']} events ({report['pruned']} pruned) "
            f"match checkpoint {cp.get('size')} root {cp.get('root')}"
        )
    else:
        for p in report["problems"]:
            where = f"segment {p['segment']}" + (
                f" position {p['position']}" if p["position"] is not None else ""
            )
            console.print(
                f"{p['kind']}: {where}" + (f" ({p['detail']})" if p.get("detail") else ""), highlight=False
            )
    sys.exit(0 if report["intact"] else 1)


@logs.command()
@click.argument("segment", type=int)
@click.argument("position", type=int)
def proof(segment, position) -> None:
    """Inclusion proof of one event: inner proof to its segment, outer proof to the latest checkpoint."""
    from lakthan.core.errors import NotFound
    from lakthan.monitoring.services import home

    try:
        found = home.store().event_proof(segment, position)
    except (KeyError, FileNotFoundError):
        raise NotFound(
            f"ไม่พบเหตุการณ์ {segment}:{position}", f"no event at segment {segment} position {position}"
        ) from None
    click.echo(json.dumps(found, ensure_ascii=False, indent=1))
    if found["event"] and "raw_bytes_base64" in found["event"]:
        click.echo(
            "บรรทัดนี้ไม่ใช่ UTF-8: raw แสดง U+FFFD แทนไบต์ที่อ่านไม่ได้ ไบต์ที่ได้รับจริงอยู่ใน raw_bytes_base64 / "
            "the line was not valid UTF-8: raw shows U+FFFD in place of what was not; "
            "raw_bytes_base64 holds the bytes as received",
            err=True,
        )


@logs.group()
def source() -> None:
    """Log files the worker reads every minute, from where it was left."""


@source.command("add")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--host", "host_name", default="", help="host for lines that do not name one (web logs)")
@click.option(
    "--format",
    "fmt",
    default="auto",
    type=click.Choice(["auto", "syslog", "auth", "nginx", "apache", "jsonl"]),
)
def source_add(path, host_name, fmt) -> None:
    from lakthan.monitoring.services import sources

    added = sources.add_source(str(path.absolute()), host_name, fmt, actor="cli")
    console.print(f"log source {added.pk}: {added.path} ({added.fmt}), read by `lakthan worker` every minute")


@source.command("list")
def source_list() -> None:
    from lakthan.monitoring.models import LogSource

    for s in LogSource.objects.all():
        state = (
            f"error: {s.last_error_en}" if s.last_error_en else f"{s.last_events} events at the last reading"
        )
        last = s.last_read_at.isoformat(timespec="seconds") if s.last_read_at else "not read yet"
        console.print(f"{s.pk}\t{s.path}\t{s.fmt}\t{s.host_name or '-'}\t{last}\t{state}", soft_wrap=True)


@source.command("remove")
@click.argument("source_id", type=int)
def source_remove(source_id) -> None:
    from lakthan.monitoring.services import sources

    sources.remove_source(source_id, actor="cli")
    console.print(f"log source {source_id} removed (what it sent stays in the log)")


@logs.group()
def rules() -> None:
    """Sigma rules."""


@rules.command("import")
@click.argument("directory", type=click.Path(path_type=Path))
def rules_import(directory) -> None:
    """Loads every Sigma rule (*.yml) under DIRECTORY; rules that cannot be compiled are reported."""
    from lakthan.monitoring.services import rules as log_rules

    r = log_rules.import_rules(directory, actor="cli")
    for path, reason in r.errors:
        console.print(f"[yellow]skipped[/yellow] {path}: {reason}", highlight=False)
    console.print(f"{len(r.loaded)} rule(s) loaded, {len(r.errors)} skipped")


@rules.command("list")
def rules_list() -> None:
    from lakthan.monitoring.services import rules as log_rules

    rs = log_rules.ruleset()
    table = Table("id", "title", "level", "file")
    for r in rs.rules:
        table.add_row(r.id, r.title, r.level, Path(r.path).name)
    for c in rs.correlations:
        table.add_row(c.id, c.title, c.level, Path(c.path).name)
    console.print(table)
    for path, reason in rs.errors:
        console.print(f"[yellow]not loaded[/yellow] {path}: {reason}", highlight=False)


def _when(value: str | None, what: str, end: bool = False):
    d = parse_date(value, what)
    if d is None:
        return None
    from lakthan.lib.timezones import BANGKOK

    return datetime.combine(d, time.max if end else time.min, tzinfo=BANGKOK).astimezone(UTC)


@logs.command()
@click.option("--from", "start", default=None, help="YYYY-MM-DD (Asia/Bangkok)")
@click.option("--to", "end", default=None, help="YYYY-MM-DD, inclusive")
@click.option("--json", "as_json", is_flag=True)
def detect(start, end, as_json) -> None:
    """Runs the rules over the sealed events; one alert per rule and host."""
    from lakthan.monitoring.pipeline import detect as detect_engine
    from lakthan.monitoring.services import alerts as log_alerts

    alerts = log_alerts.detect_frame(_when(start, "--from"), _when(end, "--to", end=True))
    if as_json:  # one alert per line, written by polars: thousands of alerts
        click.echo("[\n" + ",\n".join(detect_engine.json_lines(alerts)) + "\n]")
        return
    table = Table("rule", "level", "host", "count", "first", "last")
    for a in detect_engine.as_dicts(alerts):
        table.add_row(a["rule_title"], a["level"], a["host"] or "", str(a["count"]), a["first"], a["last"])
    console.print(table)


@logs.command()
@click.option("--json", "as_json", is_flag=True)
def coverage(as_json) -> None:
    """Every inventoried host's last event, events per day, silent hosts, unknown senders."""
    from lakthan.monitoring.services import coverage as log_coverage

    cov = log_coverage.coverage()
    if as_json:
        shape = {
            "hosts": [
                {
                    "name": h.name,
                    "unit": h.unit,
                    "last_event": h.last_event.isoformat() if h.last_event else None,
                    "events_per_day": h.events_per_day,
                    "silent": h.silent,
                }
                for h in cov.hosts
            ],
            "unknown_senders": [
                {"host": u.host, "first": u.first.isoformat(), "last": u.last.isoformat(), "count": u.count}
                for u in cov.unknown_senders
            ],
        }
        click.echo(json.dumps(shape, ensure_ascii=False, indent=1))
        return
    table = Table("host", "unit", "last event", "events/day", "silent", "silent periods", "seq gaps")
    for h in cov.hosts:
        table.add_row(
            h.name,
            h.unit,
            h.last_event.isoformat() if h.last_event else "—",
            str(h.events_per_day),
            "yes" if h.silent else "no",
            ", ".join(f"{a}..{b}" for a, b in h.silent_periods),
            str(h.seq_gaps),
        )
    console.print(table)
    for u in cov.unknown_senders:
        console.print(
            f"unknown sender {u.host}: {u.count} events {u.first.isoformat()} .. {u.last.isoformat()}",
            highlight=False,
        )


@logs.command()
def prune() -> None:
    """Deletes event payloads past retention (never under a legal hold); leaf hashes stay."""
    from lakthan.monitoring.services import retention

    done = retention.prune(actor="cli")
    console.print(f"pruned {len(done)} segment(s)" + (f": {', '.join(map(str, done))}" if done else ""))


@logs.command()
@click.argument("days", type=int)
@click.option("--host", "host_name", default="", help="a longer period for one host")
def retention(days, host_name) -> None:
    """Sets how many days events are kept (at least 90: Computer Crime Act B.E. 2550 s.26)."""
    from lakthan.monitoring.services import retention

    r = retention.set_retention(days, host_name, actor="cli")
    console.print(f"retention {r.days} days" + (f" for {r.host_name}" if r.host_name else ""))


@logs.command()
@click.argument("order_ref")
@click.option("--until", required=True, help="YYYY-MM-DD, at most 2 years ahead")
@click.option("--host", "host_name", default="")
def hold(order_ref, until, host_name) -> None:
    """Records an officer's order to preserve traffic data (legal hold): nothing is pruned until then."""
    from lakthan.monitoring.services import retention

    h = retention.add_legal_hold(order_ref, parse_date(until, "--until"), host_name, actor="cli")
    console.print(f"legal hold {h.order_ref} until {h.until}")


@logs.command()
@click.option("--udp", default=None, help="HOST:PORT, e.g. 127.0.0.1:5514")
@click.option("--tcp", default=None, help="HOST:PORT, e.g. 127.0.0.1:5514")
@click.option("--http", default=None, help="HOST:PORT, e.g. 127.0.0.1:8514")
@click.option(
    "--relp", default=None, help="HOST:PORT for rsyslog omrelp / syslog-ng relp(), e.g. 127.0.0.1:2514"
)
@click.option("--seal-every", default=300, show_default=True, help="seconds between automatic seals")
@click.option(
    "--tls-cert",
    type=click.Path(dir_okay=False),
    default=None,
    help="PEM certificate: TCP becomes syslog over TLS",
)
@click.option(
    "--tls-key", type=click.Path(dir_okay=False), default=None, help="PEM private key for --tls-cert"
)
def serve(udp, tcp, http, relp, seal_every, tls_cert, tls_key) -> None:
    """Receives syslog over UDP/TCP and JSON lines over HTTP; every batch is in the spool before it is acknowledged."""
    from lakthan.core.errors import InvalidInput
    from lakthan.monitoring import receivers

    if bool(tls_cert) != bool(tls_key):
        raise InvalidInput("ต้องระบุ --tls-cert และ --tls-key คู่กัน", "--tls-cert and --tls-key go together")
    receivers.serve(
        udp=udp,
        tcp=tcp,
        http=http,
        relp=relp,
        seal_every=seal_every,
        tls=(tls_cert, tls_key) if tls_cert else None,
    )


COMMANDS = [logs]


from lakthan.monitoring.cli_hunt import hunt as _hunt  # noqa: E402  (retro-hunts: monitoring/cli_hunt.py)
from lakthan.monitoring.cli_hunt import hunts as _hunts  # noqa: E402

logs.add_command(_hunt, "hunt")
logs.add_command(_hunts, "hunts")


@logs.command()
@click.option("--from", "start", required=True, help="YYYY-MM-DD (Asia/Bangkok)")
@click.option("--to", "end", required=True, help="YYYY-MM-DD, inclusive")
@engine_options("local: the host-days counted at sealing; spark: counted again from the segments on Spark")
@click.option("--json", "as_json", is_flag=True)
def usage(start, end, engine, master, segments_url, as_json) -> None:
    """Events per host over a period: days with events, events, unparsed lines, silent spells."""
    from lakthan.monitoring.services import coverage as log_coverage

    report = log_coverage.usage(
        parse_date(start, "--from"),
        parse_date(end, "--to"),
        engine=engine,
        master=master,
        segments_url=segments_url,
    )
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    from rich.table import Column

    spells = Column("silent spells", no_wrap=True, min_width=len("2013-01-03..2013-01-12"))
    table = Table(
        "host",
        "unit",
        "days",
        "events",
        "unparsed",
        spells,
        caption="days: days with events; unit —: a sender no inventoried host accounts for",
    )
    for h in report["hosts"]:
        spelt = "\n".join(a if a == b else f"{a}..{b}" for a, b in h["silent"])
        table.add_row(
            h["name"], h["unit"], str(h["days"]), str(h["events"]), str(h["unparsed"]), spelt or "—"
        )
    for u in report["unknown_senders"]:
        table.add_row(u["host"], "—", str(u["days"]), str(u["events"]), str(u["unparsed"]), "")
    console.print(table)
    if report["pruned_segments"]:
        console.print(
            f"{report['pruned_segments']} segments of the period were pruned: their events are counted "
            "in the host-days (--engine local) only",
            highlight=False,
        )
