"""Compiled Sigma rules as the engines run them, without pySigma (no Django).

What ``rules.compile_texts`` makes of a rule: its logsource, needles and exact polars condition,
correlations, and the helpers the engines share. Kept apart from the compiler so that the commands
that only run compiled rules (ingest, detect), reading them from the cache of compiled rules
(``services.rules.compiled_rules``), never import pySigma.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from lakthan.monitoring.pipeline.dialects import POLARS, Dialect, E

# derived at detection time (Asia/Bangkok): office_hours = "yes" Monday–Friday 08:00–17:59, else "no"
DERIVED = {"office_hours", "hour", "weekday"}

UNPARSED = "raw"  # the fmt of an event whose header no parser read


@dataclass(frozen=True)
class LogSource:
    """The events a rule applies to: ``fmt`` in ``formats`` and lower-cased ``app`` in ``services``
    (None: no condition)."""

    formats: frozenset[str] | None = None
    services: frozenset[str] | None = None

    def expr(self) -> pl.Expr:
        return self.condition(POLARS)

    def condition(self, d: Dialect[E]) -> E:
        """Also every unparsed event (``fmt`` raw): what it is, no one can tell from its header."""
        conds = []
        if self.formats is not None:
            conds.append(d.one_of(d.col("fmt"), self.formats))
        if self.services is not None:
            conds.append(d.one_of(d.lower(d.col("app")), self.services))
        if not conds:
            return d.true()
        return d.either(d.known(d.all(conds)), d.eq(d.col("fmt"), UNPARSED))


@dataclass(frozen=True)
class Has:
    """A needle: the lower-cased ``column`` contains ``literal`` (lower-cased)."""

    column: str
    literal: str


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Needles, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Needles, ...]


Needles = Has | AllOf | AnyOf  # None where a rule has no needles: nothing narrows it


@dataclass
class CompiledRule:
    id: str
    title: str
    level: str
    path: str
    source: LogSource
    needles: Needles | None
    exact: pl.Expr
    fields: set[str] = field(default_factory=set)
    hidden: bool = False  # a base rule referenced by a correlation and not generating alerts itself
    trees: tuple[object, ...] = ()  # its parsed conditions, for other dialects (``condition``)
    placeholders: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def condition(self, d: Dialect[E]) -> E:
        """The exact condition in dialect ``d`` (``exact`` is the polars one)."""
        from lakthan.monitoring.pipeline.rules import _Ctx  # the compiler (pySigma's trees)

        if not self.trees:
            raise ValueError(f"rule {self.id} was read from the compiled rules kept: compile its text again")

        return _Ctx(d, self.placeholders).condition(self.trees)

    @property
    def logsource(self) -> pl.Expr:
        return self.source.expr()

    @property
    def prefilter(self) -> pl.Expr:
        """The needles over ``add_derived``'s lower-cased columns."""
        return _needles_expr(self.needles)


@dataclass
class CompiledCorrelation:
    id: str
    title: str
    level: str
    path: str
    rules: list[str]
    group_by: list[str]
    timespan: int  # seconds
    op: str
    threshold: int


@dataclass
class RuleSet:
    rules: list[CompiledRule] = field(default_factory=list)
    correlations: list[CompiledCorrelation] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    def fields(self) -> set[str]:
        return fields_read(self.rules, self.correlations)


def fields_read(rules: list, correlations: list[CompiledCorrelation]) -> set[str]:
    """The fields rules read and correlations group by (of either engine's compiled rules)."""
    out: set[str] = set()
    for r in rules:
        out |= r.fields
    for c in correlations:
        out |= set(c.group_by)
    return out


def local_time(fields: set[str], ts: pl.Expr, tz: str) -> list[pl.Expr]:
    """The derived local-time fields among ``fields``, of the instants ``ts``."""
    local = ts.dt.convert_time_zone(tz)
    hour = local.dt.hour()
    derived = {
        "hour": hour.cast(pl.Int64),
        "weekday": local.dt.strftime("%a"),
        "office_hours": pl.when((local.dt.weekday() <= 5) & (hour >= 8) & (hour < 18))
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no")),
    }
    return [derived[f].alias(f) for f in sorted(fields & DERIVED)]


def needle_list(n: Needles | None) -> list[Has]:
    """Every needle of ``n``, whatever the ANDs and ORs around them."""
    if n is None:
        return []
    if isinstance(n, Has):
        return [n]
    return [h for p in n.parts for h in needle_list(p)]


def shortest_cover(literals: set[str]) -> list[str]:
    """The literals that hold none of the others: a text holding any literal holds one of these."""
    kept: list[str] = []
    for lit in sorted(literals, key=lambda x: (len(x), x)):
        if not any(k in lit for k in kept):
            kept.append(lit)
    return kept


def _needles_expr(needles: Needles | None) -> pl.Expr:
    if needles is None:
        return pl.lit(True)
    if isinstance(needles, Has):
        return pl.col(f"_lc_{needles.column}").str.contains(needles.literal, literal=True).fill_null(False)
    parts = [_needles_expr(p) for p in needles.parts]
    return pl.all_horizontal(parts) if isinstance(needles, AllOf) else pl.any_horizontal(parts)
