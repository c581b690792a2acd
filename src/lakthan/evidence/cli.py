"""`lakthan evidence …`"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console, get_report, parse_date


@click.group()
def evidence() -> None:
    """The evidence register."""


def _parse_item(item: str) -> tuple[str, int | None]:
    """'9.2:1' → ('9.2', 1); '9.2' → ('9.2', None) for the report as a whole."""
    from lakthan.core.errors import InvalidInput

    code, _, number = item.partition(":")
    if number and not number.isdigit():
        raise InvalidInput(
            f"--item '{item}' ต้องเป็นรูปแบบ ตัวชี้วัด:ข้อ เช่น 9.2:1",
            f"--item '{item}' must look like INDICATOR:ITEM, e.g. 9.2:1",
        )
    return code, int(number) if number else None


@evidence.command("add")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--url", default="", help="a link instead of a file")
@click.option("--unit", "unit_code", required=True)
@click.option("--fy", type=int, help="fiscal year (B.E.) of the round to link to")
@click.option("--round", "months", type=click.Choice(["6", "9", "12"]))
@click.option("--item", "items", multiple=True, help="INDICATOR:ITEM to link, e.g. 9.2:1 (repeatable)")
@click.option("--title", default=None)
@click.option("--kind", default="form", show_default=True)
@click.option("--doc-no", default="")
@click.option("--date", "doc_date", default=None, help="document date YYYY-MM-DD")
@click.option("--effective", default=None, help="effective date YYYY-MM-DD")
@click.option("--expiry", default=None, help="expiry date YYYY-MM-DD")
def evidence_add(
    file, url, unit_code, fy, months, items, title, kind, doc_no, doc_date, effective, expiry
) -> None:
    from django.db import transaction

    from lakthan.core.errors import InvalidInput
    from lakthan.core.services import get_unit
    from lakthan.evidence import services

    if bool(file) == bool(url):
        raise InvalidInput("ระบุไฟล์หรือ --url อย่างใดอย่างหนึ่ง", "give either a FILE or --url")
    if items and not (fy and months):
        raise InvalidInput("การเชื่อมโยงกับข้อต้องระบุ --fy และ --round", "--item needs --fy and --round")
    if file and not file.is_file():
        raise InvalidInput(f"ไม่พบไฟล์ {file}", f"file not found: {file}")
    meta = services.Metadata(
        title=title or (file.stem if file else url),
        kind=kind,
        doc_no=doc_no,
        doc_date=parse_date(doc_date, "--date"),
        effective_date=parse_date(effective, "--effective"),
        expiry_date=parse_date(expiry, "--expiry"),
    )
    unit = get_unit(unit_code)
    with services.removing_orphans(), transaction.atomic():  # the evidence and all its links, or nothing
        if file:
            with open(file, "rb") as fh:
                ev = services.add_file(unit, fh, file.name, meta, actor="cli")
        else:
            ev = services.add_link(unit, url, meta, actor="cli")
        for item in items:
            code, number = _parse_item(item)
            services.link(ev, get_report(unit_code, fy, months, code), number, actor="cli")
    rev = ev.current
    console.print(
        f"evidence #{ev.pk} {ev.title}" + (f" sha256 {rev.blob_id}" if rev.blob_id else f" {rev.url}")
    )


@evidence.command("list")
@click.option("--unit", "unit_code", default=None)
def evidence_list(unit_code) -> None:
    from lakthan.evidence.models import Evidence

    qs = Evidence.objects.select_related("unit").prefetch_related(
        "revisions", "links__criterion", "links__report__indicator"
    )
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    table = Table("#", "unit", "kind", "title", "doc no", "date", "expiry", "rev", "sha256 / link", "items")
    for ev in qs:
        rev = ev.current
        items = sorted(
            {
                f"{lk.report.indicator.code}:{lk.criterion.number}"
                if lk.criterion
                else lk.report.indicator.code
                for lk in ev.links.all()
            }
        )
        table.add_row(
            str(ev.pk),
            ev.unit.code,
            ev.kind,
            ev.title[:50],
            ev.doc_no,
            str(ev.doc_date or ""),
            str(ev.expiry_date or ""),
            str(rev.number if rev else 0),
            (rev.blob_id[:12] if rev and rev.blob_id else (rev.url[:30] if rev else "")),
            ", ".join(items),
        )
    console.print(table)


@evidence.command("verify")
def evidence_verify() -> None:
    """Re-hash every stored file; name each one that no longer matches (exit 1)."""
    from rich.progress import Progress

    from lakthan.evidence.services import verify_blobs

    with Progress(transient=True, console=console) as progress:
        progress.add_task("verifying evidence files", total=None)
        checked, problems = verify_blobs()
    for p in problems:
        click.echo(f"{p.kind}: {p.sha256} ({'; '.join(p.titles) or 'unreferenced'})", err=True)
    if problems:
        click.echo(f"{len(problems)} of {checked} stored files do not match their SHA-256", err=True)
        sys.exit(1)
    console.print(f"all {checked} stored files match their SHA-256")


COMMANDS = [evidence]
