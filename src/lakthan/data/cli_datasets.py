"""`lakthan data dataset add|list|remove`, `data rule add|list|remove` and `data check`: the datasets,
how their last update is read, their quality rules, and reading them now.

`data check` exits 1 when anything it checked needs attention: a read failed, a dataset is late, or
a quality rule failed (so that a cron line can alert on it); 0 when all is well; 2 for bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from lakthan.cli_common import console
from lakthan.core.errors import InvalidInput
from lakthan.lib.timezones import iso

ACTOR = "cli"


def _dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _duration(value: str, option: str) -> int:
    from lakthan.lib.durations import BadDuration, parse_duration

    try:
        return parse_duration(value)
    except BadDuration:
        raise InvalidInput(
            f"{option} '{value}' ไม่ใช่ช่วงเวลา (เช่น 30s, 15m, 1h, 1d)",
            f"{option} '{value}' is not a duration (e.g. 30s, 15m, 1h, 1d)",
        ) from None


def _person(text: str | None):
    from lakthan.core.people import NOT_FOUND, People

    if not text:
        return None
    found = People.load().find(text.strip())
    if isinstance(found, str):
        th, en = NOT_FOUND[found]
        raise InvalidInput(f"--owner: {th} {text}", f"--owner: {en} {text}")
    return found


def _evidence(evidence_id: int | None):
    from lakthan.evidence.models import Evidence

    if evidence_id is None:
        return None
    found = Evidence.objects.filter(pk=evidence_id).first()
    if found is None:
        raise InvalidInput(
            f"--owner-order-evidence: ไม่พบหลักฐานหมายเลข {evidence_id}",
            f"--owner-order-evidence: no evidence with id {evidence_id}",
        )
    return found


@click.group("dataset")
def dataset_group() -> None:
    """Datasets: how each one's last update is read (SQL, a file's time, an import log)."""


@dataset_group.command("add")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="the unit the data belongs to")
@click.option("--system", "system_code", default=None, help="the inventory system holding it")
@click.option("--owner", default=None, help="the data owner: person id or name")
@click.option(
    "--owner-order-evidence", "order_id", type=int, default=None, help="the owner's order (evidence id)"
)
@click.option(
    "--owner-order",
    "order_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="the owner's order: a file to register as evidence",
)
@click.option("--order-no", default="", help="the order's number (with --owner-order)")
@click.option("--order-date", default=None, help="the order's date YYYY-MM-DD (with --owner-order)")
@click.option("--every", required=True, help="expected update interval: 1h, 1d, 1w …")
@click.option(
    "--sql",
    "dsn",
    default="",
    help="DSN: sqlite:///path, postgresql://…, mysql://…, oracle://…, mssql://…, env:NAME",
)
@click.option("--query", default="", help="SQL returning one row, one column: the last update")
@click.option("--file", "file_path", default="", help="a file whose modification time is the last update")
@click.option("--import-log", "log_path", default="", help="an import log")
@click.option("--pattern", default="", help="regex of the import log's lines, with a group (?P<at>…)")
@click.option("--tz", default="Asia/Bangkok", show_default=True, help="the zone of naive times read")
@click.option("--timeout", default="30s", show_default=True, help="longest wait for the source")
def dataset_add(
    name,
    unit_code,
    system_code,
    owner,
    order_id,
    order_file,
    order_no,
    order_date,
    every,
    dsn,
    query,
    file_path,
    log_path,
    pattern,
    tz,
    timeout,
) -> None:
    """Adds a dataset (one of --sql with --query, --file, --import-log with --pattern)."""
    from django.db import transaction

    from lakthan.cli_common import parse_date
    from lakthan.core.services import get_unit
    from lakthan.data.services.datasets import add_dataset, masked_dsn
    from lakthan.evidence import services as ev
    from lakthan.inventory.services import get_system

    given = [k for k, v in (("--sql", dsn), ("--file", file_path), ("--import-log", log_path)) if v]
    if len(given) != 1:
        raise InvalidInput(
            "ระบุแหล่งข้อมูลอย่างใดอย่างหนึ่ง: --sql กับ --query, --file หรือ --import-log กับ --pattern",
            "give one source: --sql with --query, --file, or --import-log with --pattern",
        )
    if query and not dsn:
        raise InvalidInput("--query ใช้คู่กับ --sql เท่านั้น", "--query goes with --sql only")
    if pattern and not log_path:
        raise InvalidInput("--pattern ใช้คู่กับ --import-log เท่านั้น", "--pattern goes with --import-log only")
    if order_id is not None and order_file is not None:
        raise InvalidInput(
            "ระบุ --owner-order-evidence หรือ --owner-order อย่างใดอย่างหนึ่ง",
            "give --owner-order-evidence or --owner-order, not both",
        )
    if order_file is None and (order_no or order_date):
        raise InvalidInput(
            "--order-no และ --order-date ใช้คู่กับ --owner-order",
            "--order-no and --order-date go with --owner-order",
        )
    every_s = _duration(every, "--every")
    timeout_s = _duration(timeout, "--timeout")
    unit = get_unit(unit_code)
    system = get_system(system_code) if system_code else None
    person = _person(owner)
    order = _evidence(order_id)
    day = parse_date(order_date, "--order-date")
    source = "sql" if dsn else ("file" if file_path else "import_log")
    with ev.removing_orphans(), transaction.atomic():
        if order_file is not None:
            if person is None:
                raise InvalidInput("--owner-order ต้องมาพร้อม --owner", "--owner-order needs --owner")
            if not order_no or day is None:
                raise InvalidInput(
                    "--owner-order ต้องมี --order-no และ --order-date",
                    "--owner-order needs --order-no and --order-date",
                )
            with order_file.open("rb") as fh:
                order = ev.add_file(
                    unit,
                    fh,
                    order_file.name,
                    ev.Metadata(
                        title=f"คำสั่งมอบหมายผู้รับผิดชอบข้อมูล {name}",
                        kind="order",
                        doc_no=order_no,
                        doc_date=day,
                    ),
                    actor=ACTOR,
                )
        ds = add_dataset(
            name,
            unit,
            every_s=every_s,
            source=source,
            dsn=dsn,
            query=query,
            path=file_path or log_path,
            pattern=pattern,
            tz=tz,
            timeout_s=timeout_s,
            system=system,
            owner=person,
            owner_order=order,
            actor=ACTOR,
        )
    where = masked_dsn(ds) or ds.path
    console.print(
        f"dataset {ds.name} added ({ds.source} {where}, every {every})", markup=False, soft_wrap=True
    )


def dataset_row(ds, reading) -> dict:
    from lakthan.data.services.datasets import masked_dsn

    order = ds.owner_order
    return {
        "name": ds.name,
        "unit": ds.unit.code,
        "system": ds.system.code if ds.system_id else "",
        "owner": ds.owner.display_name if ds.owner_id else "",
        "owner_order": None
        if order is None
        else {
            "id": order.pk,
            "doc_no": order.doc_no,
            "doc_date": order.doc_date.isoformat() if order.doc_date else None,
        },
        "source": ds.source,
        "dsn": masked_dsn(ds),
        "query": ds.query,
        "path": ds.path,
        "pattern": ds.pattern,
        "tz": ds.tz,
        "every_s": ds.every_s,
        "timeout_s": ds.timeout_s,
        "active": ds.active,
        "last_reading": None if reading is None else reading_row(reading),
    }


def reading_row(r) -> dict:
    return {
        "at": iso(r.at),
        "ok": r.ok,
        "last_update": iso(r.last_update),
        "late": r.late,
        "late_by_s": r.late_by_s,
        "error": r.error,
        "duration_ms": r.duration_ms,
        "notified": r.notified,
    }


@dataset_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def dataset_list(as_json) -> None:
    """Every active dataset with its newest reading (DSNs masked)."""
    from lakthan.data.services.datasets import visible_datasets
    from lakthan.data.services.reading import latest_readings

    datasets = list(visible_datasets(None))
    latest = latest_readings(datasets)
    rows = [dataset_row(d, latest.get(d.pk)) for d in datasets]
    if as_json:
        _dump(rows)
        return
    table = Table("name", "unit", "source", "every", "owner", "last update", "state")
    for r in rows:
        last = r["last_reading"]
        state = (
            "–"
            if last is None
            else (
                "[red]failed[/red]"
                if not last["ok"]
                else ("[yellow]late[/yellow]" if last["late"] else "[green]current[/green]")
            )
        )
        table.add_row(
            r["name"],
            r["unit"],
            f"{r['source']} {r['dsn'] or r['path']}",
            f"{r['every_s']} s",
            r["owner"],
            (last or {}).get("last_update") or "–",
            state,
        )
    console.print(table)


@dataset_group.command("remove")
@click.argument("name")
def dataset_remove(name) -> None:
    """Stops reading a dataset (its history is kept)."""
    from lakthan.data.services.datasets import get_dataset, remove_dataset

    remove_dataset(get_dataset(name), actor=ACTOR)
    console.print(f"dataset {name} removed (history kept)", markup=False, soft_wrap=True)


@click.group("rule")
def rule_group() -> None:
    """Quality rules of SQL datasets: row count in a range, null rate at most, an SQL assertion."""


@rule_group.command("add")
@click.argument("dataset")
@click.argument("name")
@click.option("--row-count", "row_count", is_flag=True, help="the table's row count is within --min/--max")
@click.option("--null-rate", "null_rate", is_flag=True, help="the column's share of NULLs is at most --max")
@click.option("--assert-sql", "assert_sql", default="", help="SQL whose every row is a failure")
@click.option("--table", default="", help="table (schema.table allowed)")
@click.option("--column", default="", help="column (--null-rate)")
@click.option("--min", "min_value", type=float, default=None)
@click.option("--max", "max_value", type=float, default=None)
def rule_add(dataset, name, row_count, null_rate, assert_sql, table, column, min_value, max_value) -> None:
    """Adds a quality rule to an SQL dataset."""
    from lakthan.data.services.datasets import add_rule, get_dataset

    kinds = [
        k
        for k, on in (("row_count", row_count), ("null_rate", null_rate), ("assertion", bool(assert_sql)))
        if on
    ]
    if len(kinds) != 1:
        raise InvalidInput(
            "ระบุชนิดกฎอย่างใดอย่างหนึ่ง: --row-count, --null-rate หรือ --assert-sql",
            "give one kind of rule: --row-count, --null-rate or --assert-sql",
        )
    rule = add_rule(
        get_dataset(dataset),
        name,
        kinds[0],
        table=table,
        column=column,
        min_value=min_value,
        max_value=max_value,
        query=assert_sql,
        actor=ACTOR,
    )
    console.print(f"rule {rule.name} added to {dataset} ({rule.kind})", markup=False, soft_wrap=True)


def rule_row(rule, result) -> dict:
    return {
        "dataset": rule.dataset.name,
        "name": rule.name,
        "kind": rule.kind,
        "table": rule.table,
        "column": rule.column,
        "min": rule.min_value,
        "max": rule.max_value,
        "query": rule.query,
        "last_result": None if result is None else result_row(result),
    }


def result_row(r) -> dict:
    return {"at": iso(r.at), "passed": r.passed, "value": r.value, "error": r.error}


@rule_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def rule_list(as_json) -> None:
    """Every active rule with its last result."""
    from lakthan.data.services.datasets import visible_rules
    from lakthan.data.services.reading import latest_results

    rules = list(visible_rules(None))
    latest = latest_results(rules)
    rows = [rule_row(r, latest.get(r.pk)) for r in rules]
    if as_json:
        _dump(rows)
        return
    table = Table("dataset", "rule", "kind", "limit", "last", "value")
    for r in rows:
        last = r["last_result"]
        limit = f"{r['min'] if r['min'] is not None else ''}–{r['max'] if r['max'] is not None else ''}"
        state = "–" if last is None else ("[green]passed[/green]" if last["passed"] else "[red]failed[/red]")
        value = "" if last is None or last["value"] is None else f"{last['value']:g}"
        table.add_row(
            r["dataset"], r["name"], r["kind"], limit if r["kind"] != "assertion" else "0 rows", state, value
        )
    console.print(table)


@rule_group.command("remove")
@click.argument("dataset")
@click.argument("name")
def rule_remove(dataset, name) -> None:
    """Stops running a rule (its results are kept)."""
    from lakthan.data.services.datasets import get_rule, remove_rule

    remove_rule(get_rule(dataset, name), actor=ACTOR)
    console.print(f"rule {name} of {dataset} removed", markup=False, soft_wrap=True)


@click.command("check")
@click.argument("name", required=False)
@click.option("--all", "check_all", is_flag=True, help="every active dataset")
@click.option("--json", "as_json", is_flag=True)
def check_command(name, check_all, as_json) -> None:
    """Reads datasets now and runs their rules; exit 1 when a read failed, a dataset is late or a rule
    failed."""
    from lakthan.data.services.datasets import get_dataset, visible_datasets
    from lakthan.data.services.reading import check_dataset
    from lakthan.lib.durations import format_duration

    if bool(name) == bool(check_all):
        raise InvalidInput("ระบุชื่อชุดข้อมูล หรือ --all อย่างใดอย่างหนึ่ง", "give a dataset's NAME or --all, not both")
    datasets = list(visible_datasets(None)) if check_all else [get_dataset(name)]
    out, bad = [], False
    for ds in datasets:
        reading, results = check_dataset(ds)
        bad = bad or not reading.ok or bool(reading.late) or any(not r.passed for r in results)
        out.append(
            {
                "dataset": ds.name,
                **reading_row(reading),
                "rules": [{"name": r.rule.name, "kind": r.rule.kind, **result_row(r)} for r in results],
            }
        )
    if as_json:
        _dump(out)
    else:
        for row in out:
            if not row["ok"]:
                line = f"{row['dataset']}: read failed - {row['error']}"
            elif row["late"]:
                line = f"{row['dataset']}: late by {format_duration(row['late_by_s'])} (last update {row['last_update']})"
            else:
                line = f"{row['dataset']}: current (last update {row['last_update']})"
            console.print(line, markup=False, soft_wrap=True)
            for r in row["rules"]:
                value = "" if r["value"] is None else f" ({r['value']:g})"
                state = "passed" if r["passed"] else "failed"
                detail = f" - {r['error']}" if r["error"] else ""
                console.print(f"  rule {r['name']}: {state}{value}{detail}", markup=False, soft_wrap=True)
    if bad:
        sys.exit(1)


def add_to(data: click.Group) -> None:
    for command in (dataset_group, rule_group, check_command):
        data.add_command(command)
