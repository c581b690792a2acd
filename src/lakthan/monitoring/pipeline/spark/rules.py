"""Sigma rules compiled to Spark Column expressions: the same walk of each condition as the local
engine's (``rules._Ctx``), through the Spark dialect below, over the same columns (the schema's, the
derived local-time fields and the lower-cased ``_lc_`` copies ``hunt.with_derived`` adds).

The rules, their order, the correlations and the errors are ``rules.compile_texts``'s: a rule the
local engine leaves out (a regular expression polars refuses, or one Java's cannot read the same,
javaregex.py) is left out here with the same reason. A Spark primitive must give what the polars one
gives on every value, not only on likely ones: text read as a number accepts what polars' parser
accepts and nothing else (Spark's cast would also take ``" 4"``, ``"4.0"`` or ``"1d"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce

import polars as pl
from pyspark.sql import Column
from pyspark.sql import functions as F

from lakthan.monitoring.pipeline import compiled, rules
from lakthan.monitoring.pipeline.compiled import (
    CompiledCorrelation,
    Needles,
    RuleSet,
    fields_read,
    needle_list,
    shortest_cover,
)
from lakthan.monitoring.pipeline.dialects import ANY_RUN, Regex, Wildcard
from lakthan.monitoring.pipeline.javaregex import literal
from lakthan.monitoring.pipeline.schema import SCHEMA
from lakthan.monitoring.pipeline.spark.segments import IN_LINE, STORED_TEXT

INTEGER = r"^[+-]?[0-9]+$"  # what polars reads as an Int64 (then within its range)
DECIMAL = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"  # … as a Float64, beside these:
NAN, INF, NEG_INF = r"^[+-]?nan$", r"^\+?inf(inity)?$", r"^-inf(inity)?$"  # (lower-cased)
# the characters beyond ASCII whose lower case holds an ASCII letter (İ: "i" and a dot; the Kelvin
# sign: "k"): a field holding one may hold an ASCII literal lower-cased that its line does not hold
# in any case, so ``Narrowing`` keeps a line holding one
TO_ASCII = ("\u0130", "\u212a")


class SparkDialect:
    def col(self, name: str) -> Column:
        return F.col(name)

    def lc(self, name: str) -> Column:
        return F.col(f"_lc_{name}")

    def lower(self, e: Column) -> Column:
        return F.lower(e)

    def true(self) -> Column:
        return F.lit(True)

    def all(self, parts: Sequence[Column]) -> Column:
        return reduce(lambda a, b: a & b, parts)

    def any(self, parts: Sequence[Column]) -> Column:
        return reduce(lambda a, b: a | b, parts)

    def either(self, a: Column, b: Column) -> Column:
        return a | b

    def neg(self, e: Column) -> Column:
        return ~e

    def known(self, e: Column) -> Column:
        return F.coalesce(e, F.lit(False))

    def eq(self, e: Column, value: str | int | float) -> Column:
        return e == F.lit(value)

    def is_in(self, e: Column, values: Sequence[str]) -> Column:
        return e.isin(list(values)) if values else F.when(e.isNotNull(), F.lit(False))

    def one_of(self, e: Column, values: frozenset[str]) -> Column:
        return e.isin(sorted(values))

    def contains(self, e: Column, literal: str) -> Column:
        return e.contains(F.lit(literal))

    def starts_with(self, e: Column, literal: str) -> Column:
        return e.startswith(F.lit(literal))

    def ends_with(self, e: Column, literal: str) -> Column:
        return e.endswith(F.lit(literal))

    def full_match(self, e: Column, parts: Sequence[str | Wildcard]) -> Column:
        """A search (Spark's rlike finds), anchored at an end without a ``*``: ``\\A.*a.*\\z``
        would have Java backtrack through every split of the value, where Rust's automaton does not."""
        parts = list(parts)
        head = not (parts and isinstance(parts[0], Wildcard) and parts[0].kind == ANY_RUN)
        tail = not (parts and isinstance(parts[-1], Wildcard) and parts[-1].kind == ANY_RUN)
        inner = parts[(0 if head else 1) : (len(parts) if tail else -1)]
        body = "".join(
            literal(p) if isinstance(p, str) else "(?s:.)*?" if p.kind == ANY_RUN else "(?s:.)" for p in inner
        )
        return e.rlike(("\\A" if head else "") + body + ("\\z" if tail else ""))

    def regex(self, name: str, pattern: Regex) -> Column:
        return _text(name).rlike(pattern.java)

    def is_null(self, name: str) -> Column:
        return F.col(name).isNull()

    def compare(self, name: str, op: str, number: int | float) -> Column:
        col = _number(name)
        n = F.lit(number)
        return {"LT": col < n, "LTE": col <= n, "GT": col > n, "GTE": col >= n}[op]

    def ipv4_between(self, name: str, lo: int, hi: int) -> Column:
        parts = F.split(_text(name), r"\.")  # polars' split_exact(".", 3): the first four, null beyond
        octet = [_integer(F.get(parts, i)) for i in range(4)]
        ip = octet[0] * 256**3 + octet[1] * 256**2 + octet[2] * 256 + octet[3]
        return (ip >= F.lit(lo)) & (ip <= F.lit(hi))


SPARK = SparkDialect()


def _dtype(name: str) -> object:
    return pl.Int64 if name == "hour" else pl.Utf8 if name in compiled.DERIVED else SCHEMA[name]


def _text(name: str) -> Column:
    """The column as polars casts it to text (numbers and booleans alike; a time or bytes is not
    something a rule matches as text, and is null here)."""
    dtype = _dtype(name)
    if dtype in (pl.Utf8, pl.Int64, pl.Boolean):
        return F.col(name).cast("string")
    return F.lit(None).cast("string")


def _integer(text: Column) -> Column:
    return F.when(text.rlike(INTEGER), text.try_cast("long"))


def _number(name: str) -> Column:
    """The column as polars casts it to Float64 (strict=False): null where it reads no number."""
    dtype = _dtype(name)
    col = F.col(name)
    if dtype in (pl.Int64, pl.Boolean):
        return col.cast("double")
    if dtype != pl.Utf8:
        return F.lit(None).cast("double")
    lower = F.lower(col)
    return (
        F.when(col.rlike(DECIMAL), col.try_cast("double"))
        .when(lower.rlike(NAN), F.lit(float("nan")))
        .when(lower.rlike(INF), F.lit(float("inf")))
        .when(lower.rlike(NEG_INF), F.lit(float("-inf")))
    )


@dataclass
class SparkRule:
    id: str
    title: str
    level: str
    path: str
    logsource: Column  # the rule's events: its formats and services, and every unparsed event
    exact: Column  # the exact condition
    hidden: bool  # a base rule of a correlation, giving no alerts of its own
    fields: set[str] = field(default_factory=set)
    needles: Needles | None = None  # the local engine's (rules.CompiledRule.needles)

    @property
    def matches(self) -> Column:
        return F.coalesce(self.logsource & self.exact, F.lit(False))


@dataclass
class SparkRuleSet:
    rules: list[SparkRule]
    correlations: list[CompiledCorrelation]
    errors: list[tuple[str, str]]

    def fields(self) -> set[str]:
        return fields_read(self.rules, self.correlations)


def compile_texts(
    sources: list[tuple[str, str]], placeholders: dict[str, list[str]] | None = None
) -> SparkRuleSet:
    """(path, YAML text) pairs compiled for Spark (a Spark session must be active): the rules,
    correlations and errors of ``rules.compile_texts``."""
    return of_ruleset(rules.compile_texts(sources, placeholders))


def of_ruleset(rs: RuleSet) -> SparkRuleSet:
    return SparkRuleSet(
        rules=[
            SparkRule(
                id=r.id,
                title=r.title,
                level=r.level,
                path=r.path,
                logsource=r.source.condition(SPARK),
                exact=r.condition(SPARK),
                hidden=r.hidden,
                fields=set(r.fields),
                needles=r.needles,
            )
            for r in rs.rules
        ],
        correlations=list(rs.correlations),
        errors=list(rs.errors),
    )


@dataclass(frozen=True)
class Narrowing:
    """Which stored lines some rule may match, decided before they are parsed (``__call__``: a mask
    over a batch of stored columns). Each rule's needles (a necessary condition: some lower-cased
    field holds some literal) are tested on the line where their fields are pieces of it
    (``segments.IN_LINE``: one Aho-Corasick search of all literals, ASCII case-insensitive), or on the
    stored ``host``, ``source`` or ``parser`` themselves. Beside those lines it keeps those of another
    parser (``parsers``: the ones it narrows), those holding a character of ``TO_ASCII``, and, when
    some literal is not ASCII, every line that is not. What a correlation counts are its rules'
    matches, which this keeps, so its windows are unchanged."""

    parsers: tuple[str, ...]
    ascii: tuple[str, ...]  # literals sought in the line
    other: bool  # some literal sought in the line is not ASCII
    stored: tuple[tuple[str, str], ...]  # (stored column, literal)

    def __call__(self, stored: pl.DataFrame) -> pl.Series:
        raw = pl.col("raw")
        tests = [~pl.col("parser").is_in(self.parsers).fill_null(False), raw.is_null()]
        tests += _holding(raw, list(self.ascii), self.other)
        for c in sorted({c for c, _ in self.stored}):
            lits = [x for k, x in self.stored if k == c]
            tests += _holding(pl.col(c), [x for x in lits if x.isascii()], not all(x.isascii() for x in lits))
        return stored.select(pl.any_horizontal(tests).fill_null(False)).to_series()


def _holding(text: pl.Expr, ascii: list[str], other: bool) -> list[pl.Expr]:
    """Where ``text`` lower-cased (by Java's rules, as Spark's lower) may hold one of the ASCII
    literals ``ascii`` (lower case), or (``other``) a literal beyond ASCII: without lowering, which
    could differ from Java's beyond ASCII."""
    out = [text.str.contains("[" + "".join(TO_ASCII) + "]")]
    if ascii:
        out.append(text.str.contains_any(ascii, ascii_case_insensitive=True))
    if other:
        out.append(text.str.contains(r"[^\x00-\x7f]"))
    return out


def narrowing(rs: SparkRuleSet) -> Narrowing | None:
    """The ``Narrowing`` of the rules of ``rs`` (None: every line is needed, as one rule has no
    needles, or a needle on a field no parser's line holds)."""
    if not rs.rules or any(r.needles is None for r in rs.rules):
        return None
    needles = [h for r in rs.rules for h in needle_list(r.needles)]
    narrowed = tuple(
        sorted(p for p, cols in IN_LINE.items() if all(h.column in cols | STORED_TEXT for h in needles))
    )
    if not narrowed:
        return None
    in_line = shortest_cover({h.literal for h in needles if h.column not in STORED_TEXT})
    return Narrowing(
        parsers=narrowed,
        ascii=tuple(x for x in in_line if x.isascii()),
        other=any(not x.isascii() for x in in_line),
        stored=tuple(sorted({(h.column, h.literal) for h in needles if h.column in STORED_TEXT})),
    )
