"""Plain INSERT and UPDATE statements run for many rows at once (``executemany``).

A first sync of 10,000 accounts writes 30,000 rows (accounts, their history, memberships); Django's
bulk_create spent most of that sync building the statement value by value, bulk_update a CASE per
column. These take the values as Django would store them (each field's ``get_db_prep_save``) and
leave the statement to the driver."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

BATCH = 2000
# values the drivers take as they are; the rest (dates, JSON, choices) go through the field
PLAIN = (str, int, bool, type(None))
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[models.Field]:
    columns = [model._meta.get_field(name) for name in fields]
    assert all(isinstance(c, models.Field) for c in columns), fields  # concrete columns only
    return columns  # type: ignore[return-value]


def _converters(columns: list[models.Field]) -> list[Callable[[object], object]]:
    """Per column, what turns a value into what the database stores; looked up once, not per value
    (the ``connection`` proxy alone was a third of a first sync)."""
    db = connections[DEFAULT_DB_ALIAS]

    def through(field: models.Field) -> Callable[[object], object]:
        if isinstance(field, PLAIN_FIELDS):
            return lambda v: v if type(v) in PLAIN else field.get_db_prep_save(v, db)
        if isinstance(field, models.DateTimeField):  # a sync's rows share many (its own "now")
            seen: dict[object, object] = {}

            def moment(v: object) -> object:
                if v not in seen:
                    seen[v] = field.get_db_prep_save(v, db)
                return seen[v]

            return moment
        return lambda v: field.get_db_prep_save(v, db)

    return [through(c) for c in columns]


def _run(sql: str, params: list[list]) -> None:
    # one transaction at least: outside one, SQLite would commit (and fsync) every row
    with transaction.atomic(savepoint=False), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])


def insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """One row per values in the order of ``fields`` (every column without a database default)."""
    if not rows:
        return
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = _columns(model, fields)
    convert = _converters(columns)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    _run(sql, [[f(v) for f, v in zip(convert, row, strict=True)] for row in rows])


def update(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UPDATE … SET ``fields`` WHERE pk = the row's last value."""
    if not rows:
        return
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = _columns(model, fields)
    convert = _converters(columns)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET "
        + ", ".join(f"{quote(c.column)} = %s" for c in columns)
        + f" WHERE {quote(model._meta.pk.column)} = %s"
    )
    _run(
        sql,
        [[f(v) for f, v in zip(convert, row[:-1], strict=True)] + [row[-1]] for row in rows],
    )
