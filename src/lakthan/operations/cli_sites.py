"""`lakthan ops site …` (item 8): check a website now, list the websites, load the agency's own
checklist of the government website standard."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from lakthan.cli_common import console
from lakthan.core.errors import InvalidInput

IMPACTS = ("critical", "serious", "moderate", "minor")


@click.group("site")
def site_group() -> None:
    """Websites (item 8): content age, the government website standard's checklist, accessibility."""


def _local(iso_text: str | None) -> str:
    from lakthan.lib.timezones import BANGKOK, parse_instant

    return parse_instant(iso_text).astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if iso_text else "–"


def _print_status(data: dict) -> None:
    console.print(
        f"[bold]{escape(data['probe'])}[/bold]  {escape(data['url'])}  (unit {escape(data['unit'])})"
    )
    status = data["status"] or "no result yet"
    line = f"probe: {status}"
    if data["detail"]:
        line += f" ({escape(data['detail'])})"
    if data["tls_days_left"] is not None:
        line += f" · certificate {data['tls_days_left']} days left"
    console.print(line)
    if data["content_changed_at"]:
        console.print(
            f"content last changed: {_local(data['content_changed_at'])} Bangkok, "
            f"{data['content_age_days']} days ago ({data['content_source']})"
        )
    else:
        console.print("content last changed: unknown")
    if data["error"]:
        console.print(f"[yellow]not checked: {escape(data['error'])}[/yellow]")
    items = data["checklist"]
    if items:
        found = sum(1 for v in items.values() if v["found"])
        console.print(f"checklist {escape(data['checklist_version'])}: {found} of {len(items)} found")
        table = Table("", "item", "title", "where")
        for item_id, v in items.items():
            table.add_row(
                "[green]✓[/green]" if v["found"] else "[red]✗[/red]",
                item_id,
                v["title_th"],
                escape(v["where"]),
            )
        console.print(table)
    a11y = data["a11y"]
    if a11y is not None:
        counts = " · ".join(f"{k} {a11y.get(k, 0)}" for k in IMPACTS)
        console.print(f"accessibility ({escape(data['a11y_engine'])}): {counts}")
        if a11y.get("rules"):
            table = Table("rule", "impact", "nodes", "help")
            for r in a11y["rules"]:
                table.add_row(r["id"], r["impact"], str(r["nodes"]), escape(r["help"]))
            console.print(table)


@site_group.command("check")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def site_check(name, as_json) -> None:
    """Checks a website's home page now: content age, the checklist, accessibility (axe-core)."""
    from lakthan.operations.services.sites import check_site, get_website, site_status

    probe = get_website(name)
    check = check_site(probe, actor="cli")
    data = site_status(probe, check)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_status(data)
    if check.error.startswith("home page:"):
        raise SystemExit(1)


@site_group.command("list")
@click.option("--unit", "unit_code", default=None, help="this unit and those below it")
@click.option("--json", "as_json", is_flag=True)
def site_list(unit_code, as_json) -> None:
    """The websites with their newest check."""
    from lakthan.core.services import get_unit
    from lakthan.operations.services.sites import site_status, website_probes

    unit = get_unit(unit_code) if unit_code else None
    rows = [site_status(p) for p in website_probes(unit)]
    if as_json:
        for r in rows:
            r.pop("checklist")
            if r["a11y"] is not None:
                r["a11y"] = {k: r["a11y"].get(k, 0) for k in IMPACTS}
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(
        "website", "unit", "probe", "content changed", "checklist missing", "a11y c/s/m/m", "checked"
    )
    table.columns[0].no_wrap = True
    for r in rows:
        a11y = r["a11y"]
        table.add_row(
            r["probe"],
            r["unit"],
            r["status"] or "–",
            _local(r["content_changed_at"]),
            (", ".join(r["checklist_missing"]) or "none") if r["checked_at"] else "–",
            "/".join(str(a11y.get(k, 0)) for k in IMPACTS) if a11y is not None else "–",
            _local(r["checked_at"]),
        )
    console.print(table)


@site_group.group("checklist")
def checklist_group() -> None:
    """The government website standard's checklist (the bundled one, or the agency's own)."""


@checklist_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def checklist_load(file: Path) -> None:
    """Validates FILE whole (each fault named by its line) and makes it the checklist of later checks."""
    from lakthan.operations.services.sites import load_checklist

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"{file}: อ่านไฟล์ไม่ได้ ({exc.strerror})", f"{file}: cannot read ({exc.strerror})"
        ) from None
    parsed = load_checklist(data, str(file), actor="cli")
    console.print(f"checklist {escape(parsed.version)} loaded: {len(parsed.items)} items")


@checklist_group.command("show")
@click.option("--json", "as_json", is_flag=True)
def checklist_show(as_json) -> None:
    """The checklist in force."""
    from lakthan.operations.services.sites import current_checklist

    checklist = current_checklist()
    items = [
        {
            "id": i.id,
            "title_th": i.title_th,
            "title_en": i.title_en,
            "look_for": {k: list(v) for k, v in i.look_for.items()},
        }
        for i in checklist.items
    ]
    if as_json:
        click.echo(json.dumps({"version": checklist.version, "items": items}, ensure_ascii=False, indent=2))
        return
    table = Table("id", "title", "title (en)")
    for i in items:
        table.add_row(i["id"], i["title_th"], i["title_en"])
    console.print(f"checklist {escape(checklist.version)}")
    console.print(table)


def add_to(ops: click.Group) -> None:
    ops.add_command(site_group)
