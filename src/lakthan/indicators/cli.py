"""`lakthan library|agreement|score|result|sign …`"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import OutFile, console, get_report, print_notices, round_options


@click.group()
def library() -> None:
    """Indicator libraries (YAML)."""


@library.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def library_validate(files) -> None:
    """Check files without loading them; prints file:line: problem for each bad one (exit 2)."""
    from lakthan.indicators.engines.library_schema import LibraryError, load_library

    bad = 0
    for path in files:
        try:
            definition = load_library(path)
        except LibraryError as exc:
            click.echo(str(exc), err=True)
            bad += 1
            continue
        n = sum(len(i.criteria) for i in definition.indicators)
        console.print(f"{path}: ok ({definition.urn}, {len(definition.indicators)} indicators, {n} criteria)")
    if bad:
        sys.exit(2)


@library.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--replace",
    metavar="URN",
    default=None,
    help="the URN of a library this one replaces (it may then define the same indicator codes)",
)
def library_load(files, replace) -> None:
    """Validate every file, then load each as its library's next version, all in one transaction."""
    from django.db import transaction

    from lakthan.core.errors import InvalidInput
    from lakthan.indicators.libraries import load_library_file, validate_library_file

    if replace and len(files) != 1:
        raise InvalidInput("--replace ใช้กับไฟล์เดียวเท่านั้น", "--replace takes exactly one FILE")
    for path in files:
        validate_library_file(path)
    with transaction.atomic():
        for path in files:
            r = load_library_file(path, actor="cli", replace=replace)
            v = r.version
            if r.loaded:
                added = f"; {r.results_added} item result(s) added to open reports" if r.results_added else ""
                console.print(
                    f"loaded {r.library.urn} version {v.number} ({v.version}, {v.origin}) from {path}{added}",
                    soft_wrap=True,
                )
            else:
                console.print(
                    f"unchanged: {path} is version {v.number} of {r.library.urn} already; nothing loaded",
                    soft_wrap=True,
                )
            if r.replaced is not None:
                console.print(f"{r.replaced.urn} is now replaced by {r.library.urn}", soft_wrap=True)


def library_json(lib) -> dict:
    from django.utils import timezone

    versions = sorted(lib.versions.all(), key=lambda v: v.number)
    current = versions[-1] if versions else None
    return {
        "urn": lib.urn,
        "name_th": lib.name_th,
        "name_en": lib.name_en,
        "fiscal_year": lib.fiscal_year,
        "current_version": current.number if current else None,
        "version": lib.version,
        "origin": lib.origin,
        "replaced_by": lib.replaced_by.urn if lib.replaced_by else None,
        "versions": [
            {
                "number": v.number,
                "version": v.version,
                "sha256": v.sha256,
                "origin": v.origin,
                "source_file": v.source_file,
                "loaded_at": timezone.localtime(v.loaded_at).isoformat(),
                "loaded_by": v.loaded_by,
            }
            for v in versions
        ],
    }


@library.command("list")
@click.option("--json", "as_json", is_flag=True)
def library_list(as_json) -> None:
    """Every library: fiscal year, current version, origin, what replaced it, and all its versions."""
    from lakthan.indicators.libraries import libraries

    data = [library_json(lib) for lib in libraries()]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for lib in data:
        replaced = f"  replaced by {lib['replaced_by']}" if lib["replaced_by"] else ""
        console.print(
            f"{lib['urn']}  FY {lib['fiscal_year'] or '-'}  current version {lib['current_version']} "
            f"({lib['version']}, {lib['origin']}){replaced}",
            soft_wrap=True,
            highlight=False,
        )
        for v in reversed(lib["versions"]):
            console.print(
                f"  v{v['number']}  {v['version']}  {v['sha256'][:12]}  {v['origin']}  "
                f"{v['loaded_at'][:16].replace('T', ' ')}  {v['loaded_by'] or '-'}  {v['source_file']}",
                soft_wrap=True,
                highlight=False,
            )


@library.command("show")
@click.argument("urn")
@click.option("--version", "number", type=int, default=None, help="version number (default: the current one)")
@click.option("--out", type=OutFile(), default=None, help="write it to FILE")
def library_show(urn, number, out) -> None:
    """The YAML of a stored library version, byte for byte as it was loaded."""
    from lakthan.indicators.libraries import get_version, version_bytes
    from lakthan.lib.files import write_atomic

    version = get_version(urn, number)
    data = version_bytes(version)
    if out is None:
        click.echo(data, nl=False)
        return
    write_atomic(out, data)
    console.print(
        f"wrote version {version.number} of {urn} to {out} (sha256 {version.sha256})", soft_wrap=True
    )


@click.group()
def agreement() -> None:
    """Performance agreements (indicators and weights per unit and fiscal year)."""


@agreement.command("set")
@click.option("--unit", "unit_code", required=True)
@click.option("--fy", type=int, required=True)
@click.option("--indicator", "lines", multiple=True, required=True, metavar="CODE=WEIGHT", help="e.g. 9.2=3")
def agreement_set(unit_code, fy, lines) -> None:
    from lakthan.core.errors import InvalidInput
    from lakthan.core.services import get_unit
    from lakthan.indicators.services import find_indicator, set_agreement

    parsed = []
    for line in lines:
        code, _, weight = line.partition("=")
        try:
            parsed.append((find_indicator(code, fy), Decimal(weight)))
        except ArithmeticError:
            raise InvalidInput(
                f"น้ำหนัก '{weight}' ไม่ใช่ตัวเลข", f"weight '{weight}' in '{line}' is not a number"
            ) from None
    result = set_agreement(get_unit(unit_code), fy, parsed, actor="cli")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    console.print(f"agreement {unit_code} FY {fy}: total weight {result.total_weight}")


def score_json(report) -> dict:
    from lakthan.indicators.services import compute_score

    s = compute_score(report)
    return {
        "unit": report.round.agreement.unit.code,
        "fiscal_year": report.round.agreement.fiscal_year,
        "round": report.round.months,
        "indicator": s.indicator_code,
        "items_met": s.items_met,
        "items_total": s.items_total,
        "result": str(s.result_value),
        "score": str(s.score),
        "weight": str(s.weight),
        "weighted_score": str(s.weighted_score),
        "next_level": s.next_level_en,
        "signed": report.is_signed,
        "items": [
            {"number": i.number, "title_th": i.title_th, "status": i.status, "proposed": i.proposed_status}
            for i in s.items
        ],
    }


@click.command()
@round_options
@click.option("--json", "as_json", is_flag=True)
def score(unit_code, fy, months, indicator, as_json) -> None:
    """The score of one indicator in a unit's round (of a signed one: the score its signature pinned)."""
    from lakthan.reports.sealing import newer_than_signed

    report = get_report(unit_code, fy, months, indicator)
    data = score_json(report)
    notices = newer_than_signed(report)
    if as_json:
        data["newer_than_signed"] = [n.as_json() for n in notices]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("item", "title", "result", "proposed")
    for item in data["items"]:
        table.add_row(str(item["number"]), item["title_th"][:70], item["status"], item["proposed"])
    console.print(table)
    console.print(
        f"items met {data['items_met']}/{data['items_total']}  score {data['score']}  "
        f"weight {data['weight']}  weighted {data['weighted_score']}"
        + ("" if data["signed"] else "  [yellow](draft, not signed)[/yellow]")
    )
    print_notices(notices)


@click.group()
def result() -> None:
    """Item results of a unit's round (proposed by checks and evidence, decided by a person)."""


@result.command("set")
@round_options
@click.option("--item", type=int, required=True)
@click.option("--status", type=click.Choice(["met", "not_met", "undecided"]), required=True)
@click.option("--note", default=None, help="the decision's note (replaces the item's note; '' clears it)")
def result_set(unit_code, fy, months, indicator, item, status, note) -> None:
    from lakthan.indicators.services import set_result

    set_result(get_report(unit_code, fy, months, indicator), item, status, note=note, actor="cli")
    console.print(f"item {item}: {status}")


@result.command("propose")
@round_options
@click.option("--accept", is_flag=True, help="take every proposal as the decision")
def result_propose(unit_code, fy, months, indicator, accept) -> None:
    """Run the checks that feed the indicator, then propose each item's result."""
    from lakthan.checks.services import propose_results, run_all
    from lakthan.indicators.services import set_result

    report = get_report(unit_code, fy, months, indicator)
    for run in run_all(report):
        console.print(f"check {run.check_urn}: {run.status} — {run.summary_en}")
    for number, (status, reason) in sorted(propose_results(report).items()):
        console.print(f"item {number}: proposed {status} ({reason})")
        if accept:
            set_result(report, number, status, note=reason, actor="cli")


@click.command()
@round_options
@click.option("--person", "person_id", type=int, required=True, help="id of the signing supervisor")
@click.option("--reopen", "reason", default=None, help="reopen a signed report, giving the reason")
def sign(unit_code, fy, months, indicator, person_id, reason) -> None:
    """Sign off (lock) an indicator report, or reopen it with --reopen REASON."""
    from lakthan.core.errors import NotFound
    from lakthan.core.models import Person
    from lakthan.indicators import services
    from lakthan.reports import sealing

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(f"ไม่พบบุคคลหมายเลข {person_id}", f"no person #{person_id}")
    report = get_report(unit_code, fy, months, indicator)
    if reason is not None:
        services.reopen(report, person, reason)
        console.print("reopened")
    else:
        sealing.sign(report, person)
        console.print(
            f"signed by {person.display_name} (pinned SHA-256 {report.pinned_sha256})", soft_wrap=True
        )


@click.command()
@click.option("--unit", "unit_code", required=True)
@click.option("--fy", type=int, required=True)
@click.option("--indicator", required=True)
@click.option("--person", "person_id", type=int, required=True)
@click.option("--role", type=click.Choice(["supervisor", "collector"]), required=True)
def assign(unit_code, fy, indicator, person_id, role) -> None:
    """Name who supervises, or collects data for, an indicator in a unit and fiscal year."""
    from lakthan.core.errors import NotFound
    from lakthan.core.models import Person
    from lakthan.core.services import get_unit
    from lakthan.indicators.services import assign as assign_person
    from lakthan.indicators.services import find_indicator

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(f"ไม่พบบุคคลหมายเลข {person_id}", f"no person #{person_id}")
    unit = get_unit(unit_code)
    assign_person(unit, find_indicator(indicator, fy, unit=unit), fy, person, role, actor="cli")
    console.print(f"{person.display_name}: {role} of {indicator} in {unit_code} FY {fy}")


@click.command("report-text")
@round_options
@click.option("--phone", default=None)
@click.option(
    "--actions", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="one paragraph per line"
)
@click.option(
    "--supporting", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="one per line"
)
@click.option(
    "--obstacles", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="one per line"
)
@click.option(
    "--suggestions", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="one per line"
)
@click.option("--measured", default=None, help="measured value, for linear indicators")
def report_text(
    unit_code, fy, months, indicator, phone, actions, supporting, obstacles, suggestions, measured
) -> None:
    """Set the texts of an indicator report (actions taken, supporting factors, obstacles, suggestions)."""
    from lakthan.core.errors import InvalidInput
    from lakthan.indicators.services import update_report

    def lines(path):
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    fields = {
        name: lines(path)
        for name, path in (
            ("actions_taken", actions),
            ("supporting_factors", supporting),
            ("obstacles", obstacles),
            ("suggestions", suggestions),
        )
        if path
    }
    if phone is not None:
        fields["phone"] = phone
    if measured is not None:
        try:
            fields["measured_value"] = Decimal(measured)
        except ArithmeticError:
            raise InvalidInput(
                f"ค่าที่วัดได้ '{measured}' ไม่ใช่ตัวเลข", f"measured value '{measured}' is not a number"
            ) from None
    if not fields:
        raise InvalidInput("ไม่ได้ระบุสิ่งที่จะแก้ไข", "nothing to change: give at least one option")
    update_report(get_report(unit_code, fy, months, indicator), actor="cli", **fields)
    console.print(f"updated {', '.join(sorted(fields))}")


COMMANDS = [library, agreement, assign, report_text, score, result, sign]
