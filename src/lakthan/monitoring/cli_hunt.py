"""`lakthan logs hunt RULES… --from --to`: a retro-hunt over the sealed events of a period, and
`lakthan logs hunts`: the hunts run so far. Added to the `logs` group at the end of monitoring/cli.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console, engine_options


@click.command()
@click.argument("rules", nargs=-1, type=click.Path(path_type=Path))
@click.option("--from", "start", default=None, help="YYYY-MM-DD (Asia/Bangkok); default: the first event")
@click.option("--to", "end", default=None, help="YYYY-MM-DD, inclusive; default: the last event")
@engine_options("local: this machine, detection's own matchers; spark: the same rules on a Spark cluster")
@click.option("--json", "as_json", is_flag=True)
def hunt(rules, start, end, engine, master, segments_url, as_json) -> None:
    """Runs Sigma RULES (files or directories; none: the rules in force) over the sealed events of a
    period and records the alerts like `logs detect`, each new one marked with the hunt."""
    from lakthan.monitoring.cli import _when
    from lakthan.monitoring.models import Hunt
    from lakthan.monitoring.services import hunts

    sources = hunts.read_rule_files(list(rules)) if rules else None
    found, sources, not_run = hunts.request_hunt(
        sources,
        _when(start, "--from"),
        _when(end, "--to", end=True),
        engine=engine,
        master=master,
        segments_url=segments_url,
        actor="cli",
    )
    for path, reason in not_run:
        click.echo(f"not run: {path}: {reason}", err=True)
    done, alerts = hunts.carry_out(found.pk, sources)
    failed = done.status == Hunt.Status.FAILED
    if as_json:
        body = {"hunt": hunts.shown(done), "alerts": hunts.with_origin(alerts)}
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        table = Table("rule", "level", "host", "count", "first", "last", "found first by")
        for a in hunts.with_origin(alerts):
            origin = f"hunt #{a['hunt']}" if a["hunt"] else "detection"
            table.add_row(
                a["rule_title"], a["level"], a["host"] or "", str(a["count"]), a["first"], a["last"], origin
            )
        if alerts:
            console.print(table)
        console.print(_summary(done), highlight=False)
    if failed:
        click.echo(f"hunt #{done.pk} failed: {done.error}", err=True)
    sys.exit(1 if failed else 0)


def _day(when) -> str:
    from lakthan.lib.timezones import BANGKOK

    return when.astimezone(BANGKOK).date().isoformat() if when else "…"


def _summary(h) -> str:
    if h.status == "failed":
        return f"hunt #{h.pk} failed"
    return (
        f"hunt #{h.pk}: {len(h.rules)} rule(s) over {h.segments} segment(s) on {h.engine}: "
        f"{h.alerts} alert(s), {h.new_alerts} new"
    )


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
def hunts(as_json, limit) -> None:
    """The retro-hunts run so far, newest first."""
    from lakthan.monitoring.models import Hunt
    from lakthan.monitoring.services import hunts as log_hunts

    rows = list(Hunt.objects.all()[:limit])
    if as_json:
        click.echo(json.dumps([log_hunts.shown(h) for h in rows], ensure_ascii=False, indent=1))
        return
    table = Table("id", "started", "by", "period", "engine", "rules", "alerts", "new", "status")
    for h in rows:
        period = f"{_day(h.start)} – {_day(h.end)}"
        table.add_row(
            str(h.pk),
            h.started_at.isoformat(timespec="seconds"),
            h.started_by,
            period,
            h.engine,
            str(len(h.rules)),
            str(h.alerts),
            str(h.new_alerts),
            h.status,
        )
    console.print(table)
