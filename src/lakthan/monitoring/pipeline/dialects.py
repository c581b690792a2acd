"""The primitives a compiled Sigma condition is made of, and the polars dialect (no Django).

``rules._Ctx`` walks a rule's condition once, calling these primitives; a dialect turns each into an
expression of its engine: polars here (the local engine), Spark Columns in ``spark/rules.py``. Both
read the same columns: the schema's, the derived local-time fields and a lower-cased ``_lc_<field>``
copy of each field the rules read (``rules.add_derived``). A primitive may be null where a column is
null; ``known`` makes that false, as the walk does around every field test.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import polars as pl

E = TypeVar("E")

# a piece of a Sigma string with wildcards: a lower-cased literal, or one of these
ANY_RUN = "*"
ANY_ONE = "?"


@dataclass(frozen=True)
class Wildcard:
    """A wildcard of a Sigma string (``ANY_RUN`` or ``ANY_ONE``), beside its literal pieces."""

    kind: str


@dataclass(frozen=True)
class Regex:
    """A rule's regular expression as each engine needs it: ``rust`` for polars, ``java`` (the same
    language, spelled for java.util.regex, javaregex.py) for Spark."""

    rust: str
    java: str


class Dialect(Protocol[E]):
    def col(self, name: str) -> E: ...  # a column as it is

    def lc(self, name: str) -> E: ...  # its lower-cased copy (``_lc_<name>``)

    def lower(self, e: E) -> E: ...  # an expression lower-cased

    def true(self) -> E: ...

    def all(self, parts: Sequence[E]) -> E: ...

    def any(self, parts: Sequence[E]) -> E: ...

    def either(self, a: E, b: E) -> E: ...  # a or b (two expressions, as an operator)

    def neg(self, e: E) -> E: ...

    def known(self, e: E) -> E: ...  # null is false

    def eq(self, e: E, value: str | int | float) -> E: ...

    def is_in(self, e: E, values: Sequence[str]) -> E: ...

    def one_of(self, e: E, values: frozenset[str]) -> E: ...  # a set of names (formats, services)

    def contains(self, e: E, literal: str) -> E: ...

    def starts_with(self, e: E, literal: str) -> E: ...

    def ends_with(self, e: E, literal: str) -> E: ...

    def full_match(self, e: E, parts: Sequence[str | Wildcard]) -> E: ...  # the whole value, wildcards

    def regex(self, name: str, pattern: Regex) -> E: ...  # the column as text holds a match

    def is_null(self, name: str) -> E: ...

    def compare(self, name: str, op: str, number: int | float) -> E: ...  # LT LTE GT GTE, as a number

    def ipv4_between(self, name: str, lo: int, hi: int) -> E: ...  # a dotted IPv4 address in [lo, hi]


class PolarsDialect:
    """The local engine's expressions (those the compiler wrote inline before the dialects)."""

    def col(self, name: str) -> pl.Expr:
        return pl.col(name)

    def lc(self, name: str) -> pl.Expr:
        return pl.col(f"_lc_{name}")

    def lower(self, e: pl.Expr) -> pl.Expr:
        return e.str.to_lowercase()

    def true(self) -> pl.Expr:
        return pl.lit(True)

    def all(self, parts: Sequence[pl.Expr]) -> pl.Expr:
        return pl.all_horizontal(parts)

    def any(self, parts: Sequence[pl.Expr]) -> pl.Expr:
        return pl.any_horizontal(parts)

    def either(self, a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return a | b

    def neg(self, e: pl.Expr) -> pl.Expr:
        return ~e

    def known(self, e: pl.Expr) -> pl.Expr:
        return e.fill_null(False)

    def eq(self, e: pl.Expr, value: str | int | float) -> pl.Expr:
        return e == value

    def is_in(self, e: pl.Expr, values: Sequence[str]) -> pl.Expr:
        return e.is_in(values)

    def one_of(self, e: pl.Expr, values: frozenset[str]) -> pl.Expr:
        return e.is_in(pl.Series(sorted(values), dtype=pl.Utf8).implode())

    def contains(self, e: pl.Expr, literal: str) -> pl.Expr:
        return e.str.contains(literal, literal=True)

    def starts_with(self, e: pl.Expr, literal: str) -> pl.Expr:
        return e.str.starts_with(literal)

    def ends_with(self, e: pl.Expr, literal: str) -> pl.Expr:
        return e.str.ends_with(literal)

    def full_match(self, e: pl.Expr, parts: Sequence[str | Wildcard]) -> pl.Expr:
        rx = "".join(
            re.escape(p) if isinstance(p, str) else ".*" if p.kind == ANY_RUN else "." for p in parts
        )
        return e.str.contains(f"(?s)^{rx}$")

    def regex(self, name: str, pattern: Regex) -> pl.Expr:
        return pl.col(name).cast(pl.Utf8).str.contains(pattern.rust)

    def is_null(self, name: str) -> pl.Expr:
        return pl.col(name).is_null()

    def compare(self, name: str, op: str, number: int | float) -> pl.Expr:
        col = pl.col(name).cast(pl.Float64, strict=False)
        return {"LT": col < number, "LTE": col <= number, "GT": col > number, "GTE": col >= number}[op]

    def ipv4_between(self, name: str, lo: int, hi: int) -> pl.Expr:
        parts = pl.col(name).cast(pl.Utf8).str.split_exact(".", 3)
        octet = [parts.struct.field(f"field_{i}").cast(pl.Int64, strict=False) for i in range(4)]
        ip = octet[0] * 256**3 + octet[1] * 256**2 + octet[2] * 256 + octet[3]
        return (ip >= lo) & (ip <= hi)


POLARS = PolarsDialect()
