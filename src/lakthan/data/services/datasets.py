"""Datasets (item 5) and their quality rules: adding, changing and removing them, every change audited.

The whole input is checked when a dataset is added (the DSN's scheme, the query, the file's path, the
import log's pattern and its group ``at``, the zone), but no connection is made: the source may only
be reachable from the worker. A DSN's password never leaves this module unmasked: the audit trail, the
pages, the API and the CLI all see ``masked_dsn``."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction

from lakthan.core import audit, roles
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.data.engines import sources
from lakthan.data.models import Dataset, QualityRule
from lakthan.evidence.models import Evidence
from lakthan.inventory.models import System

CHANGE = roles.UPLOAD  # adding datasets and reading them now: the collector's capability in the unit
NAME_RE = re.compile(r"^[^\s/\x00-\x1f\x7f]{1,80}$")  # a dataset's name: a CLI argument, a file name
RULE_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f]{1,80}$")  # a rule's name may be a Thai sentence
MIN_EVERY_S = 60
MAX_TIMEOUT_S = 600
SOURCES = set(Dataset.Source.values)


def masked_dsn(ds: Dataset) -> str:
    """The dataset's DSN with any password replaced by ``***`` ("env:NAME" as written)."""
    return sources.mask(ds.dsn) if ds.dsn else ""


def snapshot(ds: Dataset) -> dict:
    """What the audit trail keeps of a dataset: every field, the DSN masked."""
    snap = audit.snapshot(ds)
    snap["dsn"] = masked_dsn(ds)
    return snap


def get_dataset(name: str) -> Dataset:
    ds = Dataset.objects.select_related("unit", "system", "owner", "owner_order").filter(name=name).first()
    if ds is None:
        raise NotFound(f"ไม่พบชุดข้อมูลชื่อ {name}", f"no dataset named {name}")
    return ds


def visible_datasets(unit_ids: set[int] | None, unit: Unit | None = None, *, active_only: bool = True):
    qs = Dataset.objects.select_related("unit", "system", "owner", "owner_order")
    if active_only:
        qs = qs.filter(active=True)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if unit is not None:
        qs = qs.filter(unit_id__in=unit.descendant_ids())
    return qs.order_by("unit__code", "name")


def _check_source(source: str, dsn: str, query: str, path: str, pattern: str) -> None:
    if source not in SOURCES:
        raise InvalidInput(
            f"ชนิดแหล่งข้อมูล '{source}' ไม่ถูกต้อง (sql, file, import_log)",
            f"unknown source kind '{source}' (sql, file, import_log)",
        )
    if source == Dataset.Source.SQL:
        if not dsn.strip():
            raise InvalidInput("ต้องระบุ DSN ของฐานข้อมูล (--sql)", "an SQL source needs a DSN (--sql)")
        if len(dsn) > 2000:
            raise InvalidInput("DSN ยาวเกิน 2000 ตัวอักษร", "the DSN is longer than 2000 characters")
        try:
            sources.kind_of(dsn.strip())
        except ValueError:
            raise InvalidInput(
                f"DSN '{sources.mask(dsn)[:80]}' ไม่รู้จัก: ต้องขึ้นต้นด้วย sqlite:///, postgresql://, "
                "mysql://, oracle://, mssql:// หรือเป็น env:ชื่อตัวแปร",
                f"unknown DSN '{sources.mask(dsn)[:80]}': use sqlite:///, postgresql://, mysql://, "
                "oracle://, mssql:// or env:NAME",
            ) from None
        if not query.strip():
            raise InvalidInput(
                "ต้องระบุคำสั่ง SQL ที่คืนเวลาปรับปรุงล่าสุด (--query)",
                "an SQL source needs the query that returns the last update (--query)",
            )
    elif not path.strip():
        raise InvalidInput("ต้องระบุที่อยู่ไฟล์", "the source needs a file's path")
    elif len(path) > 2000:
        raise InvalidInput("ที่อยู่ไฟล์ยาวเกิน 2000 ตัวอักษร", "the path is longer than 2000 characters")
    if source == Dataset.Source.IMPORT_LOG:
        if not pattern:
            raise InvalidInput(
                "ต้องระบุรูปแบบบรรทัด (--pattern) ที่มีกลุ่ม (?P<at>…)",
                "an import log needs a line pattern (--pattern) with a group (?P<at>…)",
            )
        try:
            sources.compile_pattern(pattern)
        except ValueError as exc:
            raise InvalidInput(
                f"รูปแบบบรรทัดไม่ถูกต้อง: ต้องเป็น regex ที่มีกลุ่มชื่อ at เช่น (?P<at>\\S+ \\S+) ({exc})",
                f"bad line pattern: {exc}",
            ) from None


def _check_common(every_s: int, tz: str, timeout_s: int) -> None:
    if every_s < MIN_EVERY_S:
        raise InvalidInput(
            f"รอบการปรับปรุง {every_s} วินาที สั้นเกินไป (อย่างน้อย {MIN_EVERY_S} วินาที)",
            f"every {every_s} s is too short (at least {MIN_EVERY_S} s)",
        )
    try:
        sources.zone(tz)
    except ValueError:
        raise InvalidInput(
            f"ไม่รู้จักเขตเวลา '{tz[:64]}' (เช่น Asia/Bangkok, UTC)",
            f"unknown time zone '{tz[:64]}' (e.g. Asia/Bangkok, UTC)",
        ) from None
    if not 1 <= timeout_s <= MAX_TIMEOUT_S:
        raise InvalidInput(
            f"เวลารอ {timeout_s} วินาที ต้องอยู่ระหว่าง 1–{MAX_TIMEOUT_S} วินาที",
            f"timeout {timeout_s} s must be 1–{MAX_TIMEOUT_S} s",
        )


def add_dataset(
    name: str,
    unit: Unit,
    *,
    every_s: int,
    source: str,
    dsn: str = "",
    query: str = "",
    path: str = "",
    pattern: str = "",
    tz: str = "Asia/Bangkok",
    timeout_s: int = 30,
    system: System | None = None,
    owner: Person | None = None,
    owner_order: Evidence | None = None,
    actor: str = audit.SYSTEM,
) -> Dataset:
    """A dataset and how its last update is read; InvalidInput naming what is wrong, nothing stored."""
    name = (name or "").strip()
    if not NAME_RE.match(name) or name == "add":
        raise InvalidInput(
            f"ชื่อชุดข้อมูล '{name[:80]}' ต้องมี 1–80 ตัวอักษร ไม่มีช่องว่างหรือ /",
            f"a dataset's name '{name[:80]}' must be 1–80 characters, without spaces or /",
        )
    if Dataset.objects.filter(name=name).exists():
        raise InvalidInput(f"มีชุดข้อมูลชื่อ {name} อยู่แล้ว", f"a dataset named {name} already exists")
    dsn, path = dsn.strip(), path.strip()
    _check_source(source, dsn, query, path, pattern)
    _check_common(every_s, tz, timeout_s)
    if owner_order is not None and owner is None:
        raise InvalidInput(
            "คำสั่งมอบหมายต้องมาพร้อมผู้รับผิดชอบข้อมูล (--owner)",
            "an owner's order needs the owner (--owner)",
        )
    if owner_order is not None and owner_order.kind != Evidence.Kind.ORDER:
        raise InvalidInput(
            f"หลักฐานหมายเลข {owner_order.pk} ไม่ใช่คำสั่ง (ประเภท order)",
            f"evidence {owner_order.pk} is not an order (kind 'order')",
        )
    fields: dict[str, Any] = {"dsn": "", "query": "", "path": "", "pattern": ""}
    if source == Dataset.Source.SQL:
        fields.update(dsn=dsn, query=query.strip())
    else:
        fields["path"] = path
        if source == Dataset.Source.IMPORT_LOG:
            fields["pattern"] = pattern
    with transaction.atomic():
        try:
            ds = Dataset.objects.create(
                name=name,
                unit=unit,
                system=system,
                owner=owner,
                owner_order=owner_order,
                every_s=every_s,
                source=source,
                tz=tz,
                timeout_s=timeout_s,
                created_by=actor or audit.SYSTEM,
                **fields,
            )
        except IntegrityError:
            raise InvalidInput(f"มีชุดข้อมูลชื่อ {name} อยู่แล้ว", f"a dataset named {name} already exists") from None
        audit.record(actor, "data.dataset.add", ds, after=snapshot(ds))
    return ds


UPDATABLE = {
    "system",
    "owner",
    "owner_order",
    "every_s",
    "dsn",
    "query",
    "path",
    "pattern",
    "tz",
    "timeout_s",
    "active",
}


def update_dataset(ds: Dataset, actor: str = audit.SYSTEM, **fields) -> Dataset:
    """Changes the fields given (those of UPDATABLE), checked as add_dataset checks them."""
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise InvalidInput(
            f"แก้ไขฟิลด์ {', '.join(sorted(unknown))} ไม่ได้", f"cannot change {', '.join(sorted(unknown))}"
        )
    values = {f: getattr(ds, f) for f in UPDATABLE} | fields
    _check_source(ds.source, values["dsn"], values["query"], values["path"], values["pattern"])
    _check_common(values["every_s"], values["tz"], values["timeout_s"])
    with transaction.atomic():
        before = snapshot(ds)
        for key, value in fields.items():
            setattr(ds, key, value)
        ds.save(update_fields=list(fields) or None)
        audit.record(actor, "data.dataset.update", ds, before=before, after=snapshot(ds))
    return ds


def remove_dataset(ds: Dataset, actor: str = audit.SYSTEM) -> Dataset:
    """No longer read (inactive); its readings and quality results are kept."""
    with transaction.atomic():
        before = snapshot(ds)
        ds.active = False
        ds.save(update_fields=["active"])
        QualityRule.objects.filter(dataset=ds).update(active=False)
        audit.record(actor, "data.dataset.remove", ds, before=before, after=snapshot(ds))
    return ds


def add_rule(
    ds: Dataset,
    name: str,
    kind: str,
    *,
    table: str = "",
    column: str = "",
    min_value: float | None = None,
    max_value: float | None = None,
    query: str = "",
    actor: str = audit.SYSTEM,
) -> QualityRule:
    """A quality rule of an SQL dataset; InvalidInput naming what is wrong, nothing stored."""
    name = " ".join((name or "").split())
    if not RULE_NAME_RE.match(name):
        raise InvalidInput(
            f"ชื่อกฎ '{name[:80]}' ต้องมี 1–80 ตัวอักษร",
            f"a rule's name '{name[:80]}' must be 1–80 characters",
        )
    if ds.source != Dataset.Source.SQL:
        raise InvalidInput(
            f"ชุดข้อมูล {ds.name} ไม่ได้อ่านจากฐานข้อมูล จึงตรวจคุณภาพด้วย SQL ไม่ได้",
            f"dataset {ds.name} is not read from a database: quality rules need an SQL source",
        )
    if kind not in QualityRule.Kind.values:
        raise InvalidInput(
            f"ชนิดกฎ '{kind}' ไม่ถูกต้อง (row_count, null_rate, assertion)",
            f"unknown rule kind '{kind}' (row_count, null_rate, assertion)",
        )
    fields: dict[str, Any] = {"table": "", "column": "", "min_value": None, "max_value": None, "query": ""}
    if kind in (QualityRule.Kind.ROW_COUNT, QualityRule.Kind.NULL_RATE):
        _identifier(table, "--table")
        fields["table"] = table
    if kind == QualityRule.Kind.ROW_COUNT:
        if min_value is None and max_value is None:
            raise InvalidInput("ต้องระบุ --min หรือ --max อย่างน้อยหนึ่งค่า", "give --min, --max or both")
        if min_value is not None and max_value is not None and min_value > max_value:
            raise InvalidInput(
                f"--min {min_value:g} มากกว่า --max {max_value:g}",
                f"--min {min_value:g} is above --max {max_value:g}",
            )
        if any(v is not None and v < 0 for v in (min_value, max_value)):
            raise InvalidInput("จำนวนแถวต้องไม่ติดลบ", "a row count cannot be negative")
        fields.update(min_value=min_value, max_value=max_value)
    elif kind == QualityRule.Kind.NULL_RATE:
        _identifier(column, "--column")
        if max_value is None or not 0 <= max_value <= 1:
            raise InvalidInput(
                "--max ของอัตราค่าว่างต้องอยู่ระหว่าง 0 ถึง 1 (เช่น 0.05)",
                "a null rate's --max must be 0–1 (e.g. 0.05)",
            )
        fields.update(column=column, max_value=max_value)
    else:
        if not query.strip():
            raise InvalidInput(
                "ต้องระบุคำสั่ง SQL ที่คืนแถวที่ผิด (--assert-sql)",
                "an assertion needs the SQL whose rows are failures (--assert-sql)",
            )
        fields["query"] = query.strip()
    with transaction.atomic():
        if QualityRule.objects.filter(dataset=ds, name=name).exists():
            raise InvalidInput(
                f"ชุดข้อมูล {ds.name} มีกฎชื่อ {name} อยู่แล้ว", f"dataset {ds.name} already has a rule named {name}"
            )
        rule = QualityRule.objects.create(
            dataset=ds, name=name, kind=kind, created_by=actor or audit.SYSTEM, **fields
        )
        audit.record(actor, "data.rule.add", rule)
    return rule


def _identifier(name: str, option: str) -> None:
    try:
        sources.quote_identifier(name, "sqlite")
    except ValueError:
        raise InvalidInput(
            f"{option} '{name[:60]}' ต้องเป็นชื่อตารางหรือคอลัมน์ล้วน ๆ เช่น people หรือ hr.people",
            f"{option} '{name[:60]}' must be a plain or dotted identifier such as people or hr.people",
        ) from None


def get_rule(dataset: str, name: str) -> QualityRule:
    rule = QualityRule.objects.select_related("dataset").filter(dataset__name=dataset, name=name).first()
    if rule is None:
        raise NotFound(f"ไม่พบกฎ {name} ของชุดข้อมูล {dataset}", f"no rule {name} of dataset {dataset}")
    return rule


def remove_rule(rule: QualityRule, actor: str = audit.SYSTEM) -> QualityRule:
    """No longer run; its results are kept."""
    with transaction.atomic():
        before = audit.snapshot(rule)
        rule.active = False
        rule.save(update_fields=["active"])
        audit.record(actor, "data.rule.remove", rule, before=before)
    return rule


def visible_rules(unit_ids: set[int] | None, dataset: Dataset | None = None):
    qs = QualityRule.objects.select_related("dataset", "dataset__unit").filter(
        active=True, dataset__active=True
    )
    if unit_ids is not None:
        qs = qs.filter(dataset__unit_id__in=unit_ids)
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    return qs.order_by("dataset__unit__code", "dataset__name", "name")
