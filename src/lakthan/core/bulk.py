"""Set-based writes: many rows merged into a table by `INSERT … VALUES (…), (…) … ON CONFLICT DO
UPDATE` statements of up to a thousand rows, run through the connection's ``executemany``. No model
instances and no SQL compiled per batch, as the ORM's bulk upsert has (sealing spent ~2 s that way on
26,000 host-days), and not a statement a row either, which PostgreSQL would parse and plan one by one.

Values are adapted by the backend's own functions (``connection.ops``), so what is stored is what the
ORM stores: on SQLite a datetime is text, in UTC, 'YYYY-MM-DD HH:MM:SS[.ffffff]' and a JSON value is
``json.dumps`` text; on PostgreSQL they go to timestamptz and jsonb.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC
from functools import partial
from itertools import chain
from typing import Any

from django.db import connections, models, router

# Fields whose Python values the database drivers take as they are (Django's own preparation of them
# is int()/str()/bool() of a value that already is one).
AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
# The lesser and greater of two values, per backend. NULLs differ (SQLite's min() with a NULL is NULL,
# PostgreSQL's LEAST skips it): for NOT NULL columns.
LEAST = {"sqlite": "MIN", "postgresql": "LEAST"}
GREATEST = {"sqlite": "MAX", "postgresql": "GREATEST"}
DIFFERS = {"sqlite": "IS NOT", "postgresql": "IS DISTINCT FROM"}
MAX_BATCH = 1000  # rows a statement, where the backend allows as many parameters


def upsert(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    key_fields: Sequence[str],
    *,
    add_fields: Sequence[str] = (),
    min_fields: Sequence[str] = (),
    max_fields: Sequence[str] = (),
    set_fields: Sequence[str] = (),
    only_if_changed: Sequence[str] = (),
) -> int:
    """Inserts ``rows`` (field name → value, every row the same fields, no two with the same key) or,
    where a row with the same ``key_fields`` exists (a unique constraint), updates it: ``add_fields``
    summed, ``min_fields`` and ``max_fields`` the lesser and greater of the two, ``set_fields``
    replaced, the rest left alone. With ``only_if_changed``, an existing row is updated only if one of
    those fields differs. Fields a row does not give take their model default on insert (``auto_now``
    fields must be given). Returns the number of rows given."""
    rows = list(rows)
    if not rows:
        return 0
    if len({tuple(r[k] for k in key_fields) for r in rows}) < len(rows):
        raise _twice(model, key_fields)
    connection = connections[router.db_for_write(model)]
    fields, params = _parameters(model, rows, connection)
    how = {"add_fields": add_fields, "min_fields": min_fields, "max_fields": max_fields}
    how |= {"set_fields": set_fields, "only_if_changed": only_if_changed}
    _merge(model, connection, fields, params, key_fields, **how)
    return len(rows)


def upsert_frame(
    model: type[models.Model], frame: Any, key_fields: Sequence[str], **merge: Sequence[str]
) -> int:
    """``upsert`` of the rows of a polars DataFrame whose columns are named as the model's fields. Times
    (zone-aware) and days are turned into what the driver takes column by column, as the ORM stores
    them, instead of value by value: sealing merges tens of thousands of host-days. A JSON field's
    column is its values' JSON text, as the ORM writes it (``json.dumps``); a foreign key's column is
    the key of the row it points to."""
    import polars as pl

    if frame.height == 0:
        return 0
    if frame.select(pl.struct(list(key_fields)).is_duplicated().any()).item():
        raise _twice(model, key_fields)
    meta = model._meta
    given = [meta.get_field(name) for name in frame.columns]
    for f in given:
        if _frame_kind(f) is None:
            raise ValueError(
                f"upsert_frame into {meta.label}: {f.name} is neither text, number, time, day, JSON nor a key"
            )
        if _frame_kind(f) == "JSONField" and frame.schema[f.name] != pl.String:
            raise ValueError(f"upsert_frame into {meta.label}: {f.name} must be given as JSON text")
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("sqlite", "postgresql") or connection.timezone_name != "UTC":
        json_fields = [f.name for f in given if _frame_kind(f) == "JSONField"]
        rows = (_json_read(row, json_fields) for row in frame.iter_rows(named=True))
        return upsert(model, rows, key_fields, **merge)  # the ORM's adapters
    missing = _missing(model, frame.columns)
    defaults = [_adapted(f, connection, f.get_default()) for f in missing]
    # in key order, the unique index is written page by page rather than all over (26,000 host-days
    # on SQLite: a fifth less time)
    frame = frame.sort(list(key_fields)).with_columns(
        _column_as_stored(name, frame.schema[name], connection) for name in frame.columns
    )
    params = [[*row, *defaults] for row in frame.iter_rows()]
    _merge(model, connection, given + missing, params, key_fields, **merge)
    return len(params)


def _frame_kind(field: Any) -> str | None:
    """How upsert_frame takes a field's column: as it is (text, numbers; JSON text; a foreign key to a
    number), or turned into the driver's times and days; None: not at all."""
    kind = field.get_internal_type()
    if kind == "ForeignKey":
        return kind if field.target_field.get_internal_type() in AS_IS else None
    return kind if kind in AS_IS | {"DateTimeField", "DateField", "JSONField"} else None


def _json_read(row: dict[str, Any], json_fields: list[str]) -> dict[str, Any]:
    return {**row, **{name: json.loads(row[name]) for name in json_fields if row[name] is not None}}


def _column_as_stored(name: str, dtype: Any, connection: Any) -> Any:
    """A column of times as SQLite's text of them in UTC (str() of a datetime: microseconds only when
    there are some) or as ISO text PostgreSQL reads as timestamptz; days as ISO text; others as they are."""
    import polars as pl

    column = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            raise ValueError(f"upsert_frame: {name} holds times without a zone")
        utc = column.dt.convert_time_zone("UTC")
        suffix = "" if connection.vendor == "sqlite" else "+00:00"
        return (
            pl.when(utc.dt.microsecond() == 0)
            .then(utc.dt.strftime("%Y-%m-%d %H:%M:%S" + suffix))
            .otherwise(utc.dt.strftime("%Y-%m-%d %H:%M:%S%.6f" + suffix))
            .alias(name)
        )
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d")
    return column


def _twice(model: type[models.Model], key_fields: Sequence[str]) -> ValueError:
    # PostgreSQL refuses a statement that updates a row twice; SQLite would merge them
    return ValueError(f"upsert into {model._meta.label}: two rows with the same {', '.join(key_fields)}")


def _merge(
    model: type[models.Model],
    connection: Any,
    fields: list[Any],
    params: list[list[Any]],
    key_fields: Sequence[str],
    **how: Sequence[str],
) -> None:
    """The rows' ``params`` (driver values of ``fields``) merged into the table, a thousand a statement;
    ``how``: upsert's add_fields, min_fields, max_fields, set_fields and only_if_changed."""
    names = ("add_fields", "min_fields", "max_fields", "set_fields", "only_if_changed")
    unknown = set(how) - set(names)
    if unknown:
        raise TypeError(f"upsert: unknown {', '.join(sorted(unknown))}")
    add_fields, min_fields, max_fields, set_fields, only_if_changed = (how.get(n, ()) for n in names)
    q, vendor = connection.ops.quote_name, connection.vendor
    table = q(model._meta.db_table)
    columns = {f.name: f.column for f in model._meta.concrete_fields}

    def col(name: str) -> str:
        return q(columns[name])

    def merge(names: Sequence[str], how: str) -> list[str]:
        return [f"{col(n)} = {how.format(old=f'{table}.{col(n)}', new=f'EXCLUDED.{col(n)}')}" for n in names]

    updates = (
        merge(add_fields, "{old} + {new}")
        + merge(min_fields, LEAST[vendor] + "({old}, {new})")
        + merge(max_fields, GREATEST[vendor] + "({old}, {new})")
        + merge(set_fields, "{new}")
    )
    on_conflict = f"ON CONFLICT ({', '.join(col(n) for n in key_fields)}) " + (
        f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    )
    if updates and only_if_changed:
        differs = f"{table}.{{c}} {DIFFERS[vendor]} EXCLUDED.{{c}}"
        on_conflict += " WHERE " + " OR ".join(differs.format(c=col(n)) for n in only_if_changed)
    one_row = f"({', '.join(['%s'] * len(fields))})"

    def statement(n: int) -> str:
        written = ", ".join(q(f.column) for f in fields)
        return f"INSERT INTO {table} ({written}) VALUES {', '.join([one_row] * n)} {on_conflict}"

    size = max(1, min(MAX_BATCH, connection.ops.bulk_batch_size(fields, params)))
    batches = [list(chain.from_iterable(params[i : i + size])) for i in range(0, len(params), size)]
    with connection.cursor() as cursor:
        full = len(params) // size
        if full:
            cursor.executemany(statement(size), batches[:full])
        if full < len(batches):
            cursor.execute(statement(len(params) - full * size), batches[-1])


def _parameters(
    model: type[models.Model], rows: list[Mapping[str, Any]], connection: Any
) -> tuple[list[Any], list[list[Any]]]:
    """The fields written (those the rows give, then the model's other fields with their defaults) and
    each row's values as the driver takes them."""
    meta = model._meta
    given = list(rows[0])
    missing = _missing(model, given)
    fields = [meta.get_field(name) for name in given] + missing
    defaults = [_adapted(f, connection, f.get_default()) for f in missing]
    adapters = [(i, a) for i, f in enumerate(fields[: len(given)]) if (a := _adapter(f, connection))]

    def values(row: Mapping[str, Any]) -> list[Any]:
        out = [row[name] for name in given]
        for i, adapt in adapters:
            if out[i] is not None:
                out[i] = adapt(out[i])
        return out + defaults

    return fields, [values(row) for row in rows]


def _missing(model: type[models.Model], given: Sequence[str]) -> list[Any]:
    """The fields rows do not give, which take their defaults; an ``auto_now`` one must be given."""
    meta = model._meta
    missing = [f for f in meta.concrete_fields if f.name not in given and not f.primary_key]
    for f in missing:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            raise ValueError(f"upsert into {meta.label}: {f.name} must be given")
    return missing


def _adapter(field: Any, connection: Any) -> Callable[[Any], Any] | None:
    """How the ORM turns a value of ``field`` into the driver's parameter (None: as it is)."""
    kind = field.get_internal_type()
    if kind in AS_IS:
        return None
    if kind == "DateTimeField":
        aware = connection.ops.adapt_datetimefield_value
        if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
            aware = _sqlite_utc_text  # what that function makes, without its checks per value
        return partial(_datetime, field, connection, aware)
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "JSONField":
        return partial(connection.ops.adapt_json_value, encoder=field.encoder)
    return partial(field.get_db_prep_save, connection=connection)


def _adapted(field: Any, connection: Any, value: Any) -> Any:
    adapt = _adapter(field, connection)
    return value if adapt is None or value is None else adapt(value)


def _sqlite_utc_text(value: Any) -> str:
    """SQLite's text of an aware time on a UTC connection (26,000 host-days carry 52,000 times)."""
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _datetime(field: Any, connection: Any, aware: Callable[[Any], Any], value: Any) -> Any:
    if getattr(value, "tzinfo", None) is None:  # a naive one: the ORM's warning and reading of it
        return field.get_db_prep_save(value, connection)
    return aware(value)
