"""The events each rule may match, decided for a whole batch at once (no Django).

A rule's candidates are the events of its logsource that hold its needles. Columns with few distinct
values (``fmt``, ``app``, ``action``, ``user`` …) are decided on those values, exactly. Free-text columns
(``msg``, ``uri`` …) are scanned once each for every rule's literals together, case-insensitively: a
row with none of them is no candidate of any rule reading that column, one with any is a candidate
of them all, for the exact condition to confirm. Rules that no event of the batch can match get no
column, and their literals are not scanned for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

from lakthan.monitoring.pipeline.compiled import (
    DERIVED,
    UNPARSED,
    AllOf,
    CompiledRule,
    Has,
    LogSource,
    Needles,
    local_time,
    needle_list,
    shortest_cover,
)

# long, mostly distinct values: scanned rather than decided on distinct values
TEXT_COLUMNS = frozenset({"msg", "raw", "uri", "useragent", "record"})
# the only characters whose lower case holds an ASCII letter that a case-insensitive search for that
# letter misses: "İ" (U+0130) lower-cases to "i" and a combining dot. A row holding one is a candidate.
UNFOLDED = "\u0130"

Mask = pl.Expr | bool  # True: every event, False: none


def candidate_events(
    events: pl.DataFrame, rules: list[CompiledRule], keep: list[str], tz: str
) -> tuple[pl.DataFrame, list[str]]:
    """The events that are some rule's candidates, and the names of their boolean columns telling whose:
    one per rule that some event may match, named by the rule's index. Beside those, ``keep`` and the
    columns the rules' exact conditions read, derived only for the events of the rules that read them."""
    batch = _Batch(events, rules)
    masks = batch.masks(events, rules)
    exact = {n: rules[int(n)].exact for n in masks.columns}
    reads = {n: set(e.meta.root_names()) for n, e in exact.items()}
    read = set().union(*reads.values())
    lowered = {c.removeprefix("_lc_") for c in read if c.startswith("_lc_")}
    derived = (read | lowered | set(keep)) & DERIVED
    columns = ((set(keep) | read | lowered) & set(events.columns)) | ({"ts"} if derived else set())
    # events[...] and a Series mask, not select and an expression: those would rechunk the whole batch
    if masks.width:
        union = masks.select(pl.any_horizontal(pl.all())).to_series()
    else:
        union = pl.repeat(False, events.height, eager=True)
    frame = events[sorted(columns)].hstack(masks).filter(union)
    distinct = dict(batch.values)  # known distinct values, which spare finding them again
    if derived:
        table, runs = _local_time(frame.get_column("ts"), derived, tz)
        frame = frame.hstack(table.select(pl.all().gather(runs)))
        distinct |= {f: table.get_column(f).unique().to_list() for f in derived}

    def rows(wanted: str) -> pl.Expr | None:
        """Where a rule reading ``wanted`` is a candidate (None: everywhere)."""
        readers = [n for n, cols in reads.items() if wanted in cols]
        return None if len(readers) == len(reads) else pl.any_horizontal(readers)

    lower = [_lowered(frame, f, rows(f"_lc_{f}"), distinct.get(f)).alias(f"_lc_{f}") for f in sorted(lowered)]
    return frame.with_columns(lower), masks.columns


def _local_time(ts: pl.Series, fields: set[str], tz: str) -> tuple[pl.DataFrame, pl.Series]:
    """The local-time ``fields`` of each run of instants within one second, and the run of each instant:
    zone offsets and their changes fall on whole seconds, so an instant's local fields are its second's."""
    second = ts.dt.cast_time_unit("us").to_physical() // 1_000_000
    starts = (second.rle().struct.field("value") * 1_000_000).cast(pl.Datetime("us", "UTC"))
    return starts.to_frame("ts").select(local_time(fields, pl.col("ts"), tz)), second.rle_id()


def _lowered(frame: pl.DataFrame, name: str, rows: pl.Expr | None, values: list | None) -> pl.Expr:
    """``name`` lower-cased where ``rows`` hold; a short column through its distinct ``values`` (found
    here if not given), and as it is when those are lower case already."""
    col = pl.col(name).cast(pl.Utf8)
    masked = col if rows is None else pl.when(rows).then(col)
    if name in TEXT_COLUMNS:
        return masked.str.to_lowercase()
    distinct = (
        frame.get_column(name).cast(pl.Utf8).unique() if values is None else pl.Series(values, dtype=pl.Utf8)
    )
    distinct = distinct.drop_nulls()
    lower = distinct.str.to_lowercase()
    if (distinct == lower).all():
        return col
    if len(distinct) > frame.height // 4:
        return masked.str.to_lowercase()
    return masked.replace_strict(distinct, lower, default=None)


class _Batch:
    """The distinct values of the batch's short columns, and the shared columns the masks read."""

    def __init__(self, events: pl.DataFrame, rules: list[CompiledRule]):
        self.columns = set(events.columns)
        wanted = set()
        for r in rules:
            wanted |= {"fmt"} if r.source.formats is not None else set()
            wanted |= {"app"} if r.source.services is not None else set()
            wanted |= {h.column for h in needle_list(r.needles) if self._short(h.column)}
        wanted &= self.columns
        self.values: dict[str, list[str | None]] = {c: [None] for c in wanted}
        # an all-null column (the web fields in a batch of syslog) needs no look; fmt and app are
        # grouped together, which costs about what grouping one of them does
        seen = sorted(c for c in wanted if events[c].null_count() < events.height)
        pair = [c for c in seen if c in ("fmt", "app")]
        groups = [[c] for c in seen if c not in pair] + ([pair] if pair else [])
        frames = pl.collect_all([events.lazy().group_by(g).agg() for g in groups]) if groups else []
        for g, frame in zip(groups, frames, strict=True):
            for c in g:
                self.values[c] = frame.get_column(c).cast(pl.Utf8).unique().to_list()
        self.lowered = {
            c: pl.Series(v, dtype=pl.Utf8).str.to_lowercase().to_list() for c, v in self.values.items()
        }
        self.shared: dict[str, pl.Expr] = {}
        self._names: dict[tuple, str] = {}
        self._settled: dict[str, bool] = {}

    def masks(self, events: pl.DataFrame, rules: list[CompiledRule]) -> pl.DataFrame:
        """A boolean column per rule that some event may match, named by its index."""
        sources = {i: self.source(r.source) for i, r in enumerate(rules)}
        live = [i for i, m in sources.items() if m is not False]
        self.scan_for([rules[i].needles for i in live])
        for i in live:
            self.needles(rules[i].needles)  # registers the shared columns the masks read
        shared = events.lazy().select(**self.shared).collect() if self.shared else pl.DataFrame()
        self.settle(shared)  # a shared column that holds everywhere or nowhere becomes a constant
        masks = {}
        for i in live:
            mask = _and(self.source(rules[i].source), self.needles(rules[i].needles))
            if mask is not False:
                masks[str(i)] = pl.repeat(True, events.height) if mask is True else mask.fill_null(False)
        if not masks:
            return pl.DataFrame()
        out = shared.select(**masks) if shared.width else pl.DataFrame().select(**masks)
        return out.select(c for c, n in zip(out.columns, out.sum().row(0), strict=True) if n)

    def _short(self, column: str) -> bool:
        return column in self.columns and column not in TEXT_COLUMNS

    def source(self, src: LogSource) -> Mask:
        """The events a rule's logsource admits: those of its formats and services, and every event
        whose header was not parsed (``fmt`` raw): its format and program are unknown, so it is left
        out of no rule — a malformed header must not hide a line from detection."""
        return _or(self._parsed_source(src), self._among_if_seen("fmt", [UNPARSED]))

    def _among_if_seen(self, column: str, picked: list[str]) -> Mask:
        if column not in self.values:
            return False
        return self._among(column, [v for v in self.values[column] if v in picked])

    def _parsed_source(self, src: LogSource) -> Mask:
        formats: Mask = True
        services: Mask = True
        if src.formats is not None and "fmt" in self.values:
            formats = self._among(
                "fmt", [v for v in self.values["fmt"] if v is not None and v in src.formats and v != UNPARSED]
            )
        if src.services is not None and "app" in self.values:
            pairs = zip(self.values["app"], self.lowered["app"], strict=True)
            services = self._among(
                "app", [v for v, lower in pairs if v is not None and lower in src.services]
            )
        return _and(formats, services)

    def needles(self, n: Needles | None) -> Mask:
        if n is None:
            return True
        if isinstance(n, Has):
            if self._short(n.column):
                pairs = zip(self.values[n.column], self.lowered[n.column], strict=True)
                return self._among(
                    n.column,
                    [v for v, lower in pairs if v is not None and lower is not None and n.literal in lower],
                )
            if n.column in self.columns:
                return self._ref(f"_scan_{n.column}")
            return True  # a derived field: only the exact condition can tell
        parts = [self.needles(p) for p in n.parts]
        combine = _and if isinstance(n, AllOf) else _or
        out = parts[0]
        for p in parts[1:]:
            out = combine(out, p)
        return out

    def _among(self, column: str, picked: list[str]) -> Mask:
        """The events whose ``column`` is one of ``picked``, of its distinct values."""
        if not picked:
            return False
        if len(picked) == len(self.values[column]):
            return True
        key = (column, *picked)
        if key not in self._names:
            name = self._names[key] = f"_{column}_{len(self._names)}"
            col = pl.col(column).cast(pl.Utf8)
            self.shared[name] = col == picked[0] if len(picked) == 1 else col.is_in(_strings(picked))
        return self._ref(self._names[key])

    def scan_for(self, needles: list[Needles | None]) -> None:
        """One case-insensitive search per free-text column for all the needles' literals."""
        literals: dict[str, set[str]] = {}
        for n in needles:
            for h in needle_list(n):
                if h.column in self.columns and not self._short(h.column):
                    literals.setdefault(h.column, set()).add(h.literal)
        for column, lits in sorted(literals.items()):
            pattern = "|".join(re.escape(x) for x in [*shortest_cover(lits), UNFOLDED])
            self.shared[f"_scan_{column}"] = pl.col(column).cast(pl.Utf8).str.contains(f"(?i){pattern}")

    def settle(self, shared: pl.DataFrame) -> None:
        counts = shared.select(pl.all().fill_null(False).sum()).row(0) if shared.width else ()
        for name, n in zip(shared.columns, counts, strict=True):
            if n in (0, shared.height):
                self._settled[name] = n > 0

    def _ref(self, name: str) -> Mask:
        return self._settled.get(name, pl.col(name))


def _strings(values: Iterable[str]) -> pl.Series:
    return pl.Series(sorted(values), dtype=pl.Utf8).implode()


def _and(a: Mask, b: Mask) -> Mask:
    if a is False or b is False:
        return False
    if a is True:
        return b
    return a if b is True else a & b


def _or(a: Mask, b: Mask) -> Mask:
    if a is True or b is True:
        return True
    if a is False:
        return b
    return a if b is False else a | b
