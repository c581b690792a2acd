"""Running compiled rules over events: one alert per rule and host, linking to (segment, position).

The batch is narrowed for all rules at once (``candidates``); the exact conditions then run on the
events that are some rule's candidates only.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from lakthan.monitoring.pipeline.candidates import candidate_events
from lakthan.monitoring.pipeline.compiled import CompiledCorrelation, RuleSet

MAX_EVENTS = 100
# one alert: the rule, its host, how many events, the first and last one's time, the first MAX_EVENTS
# of them (segment, position) and whether there were more
ALERT_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(),
    "rule_title": pl.String(),
    "level": pl.String(),
    "host": pl.String(),
    "count": pl.Int64(),
    "first": pl.Datetime("us", "UTC"),
    "last": pl.Datetime("us", "UTC"),
    "events": pl.List(pl.Struct({"segment": pl.Int64, "position": pl.Int64})),
    "events_truncated": pl.Boolean(),
}


def detect(events: pl.DataFrame, ruleset: RuleSet, tz: str = "Asia/Bangkok") -> list[dict]:
    """``events`` carries the schema's columns plus ``segment`` and ``position``."""
    return alerts(*matching(events, ruleset, tz), ruleset)


def alerts(found: pl.DataFrame, matched: pl.DataFrame, ruleset: RuleSet) -> list[dict]:
    """The alerts of ``matching``'s result: of one batch, or of several batches' results stacked (what
    an event matches depends on that event alone, so the two give the same alerts)."""
    return as_dicts(alert_frame(found, matched, ruleset))


def alert_frame(found: pl.DataFrame, matched: pl.DataFrame, ruleset: RuleSet) -> pl.DataFrame:
    """``alerts`` as a DataFrame (ALERT_SCHEMA), one row per rule and host, in the same order: by rule
    and host (host None as ""), ties as the rules and correlations come, hosts in the order of their
    first event. Thousands of alerts stay columns here, where a dict each cost 0.2 s."""
    rules = ruleset.rules
    plans = []
    for name in matched.columns:
        rule = rules[int(name)]
        if not rule.hidden:
            plans.append(_per_host(rule.id, rule.title, rule.level, found.filter(matched[name])))
    index = {r.id: str(i) for i, r in enumerate(rules)}
    for corr in ruleset.correlations:
        names = [index[r] for r in corr.rules if index[r] in matched.columns]
        if names:
            hit = found.filter(matched.select(pl.any_horizontal(names)).to_series())
            plans.append(_per_host(corr.id, corr.title, corr.level, windowed(hit, corr)))
    if not plans:
        return pl.DataFrame(schema=ALERT_SCHEMA)
    frame = pl.concat(pl.collect_all(plans))
    return frame.sort(["rule_id", pl.col("host").fill_null("")], maintain_order=True)


def as_dicts(frame: pl.DataFrame) -> list[dict]:
    """Alerts in the `detect --json` shape: times as ISO text, ``events_truncated`` only where true."""
    out = frame.with_columns(iso_text(pl.col("first")), iso_text(pl.col("last"))).to_dicts()
    for alert in out:
        if alert.pop("events_truncated"):
            alert["events_truncated"] = True  # last, as the key the shape has only when true
    return out


def json_lines(frame: pl.DataFrame) -> list[str]:
    """Each alert of ``frame`` as the JSON text of its ``as_dicts`` form, written by polars."""
    shown = [c for c in frame.columns if c != "events_truncated"]
    times = frame.with_columns(iso_text(pl.col("first")), iso_text(pl.col("last")))
    text = (
        pl.when(pl.col("events_truncated"))
        .then(pl.struct([*shown, "events_truncated"]).struct.json_encode())
        .otherwise(pl.struct(shown).struct.json_encode())
    )
    return times.select(text).to_series().to_list()


def frame_of(alerts: list[dict]) -> pl.DataFrame:
    """The DataFrame of alerts given in the `detect --json` shape (``as_dicts``' inverse)."""
    columns: dict[str, list] = {name: [a.get(name) for a in alerts] for name in ALERT_SCHEMA}
    columns["first"] = [datetime.fromisoformat(a["first"]) for a in alerts]
    columns["last"] = [datetime.fromisoformat(a["last"]) for a in alerts]
    columns["events_truncated"] = [bool(a.get("events_truncated")) for a in alerts]
    return pl.DataFrame(columns, schema=ALERT_SCHEMA)


def events_json(events: pl.Expr) -> pl.Expr:
    """The text ``json.dumps`` gives of an alert's events (a list of {segment, position}), made by
    polars: what the database holds of them, so that an alert found again compares equal."""
    event = pl.element().struct
    one = pl.concat_str(
        pl.lit('{"segment": '),
        event.field("segment").cast(pl.String),
        pl.lit(', "position": '),
        event.field("position").cast(pl.String),
        pl.lit("}"),
    )
    return pl.concat_str(pl.lit("["), events.list.eval(one).list.join(", "), pl.lit("]"))


def iso_text(times: pl.Expr) -> pl.Expr:
    """``datetime.isoformat()`` of each time (microseconds only when there are some), by polars."""
    whole = times.dt.strftime("%Y-%m-%dT%H:%M:%S%:z")
    return (
        pl.when(times.dt.microsecond() == 0)
        .then(whole)
        .otherwise(times.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f%:z"))
    )


def matching(
    events: pl.DataFrame, ruleset: RuleSet, tz: str = "Asia/Bangkok"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The events that are some rule's candidates (``host``, ``ts``, ``segment``, ``position`` and the
    correlations' group-by fields), and which of them each rule matches: a boolean column per rule with
    any candidate, named by the rule's index."""
    group_by = sorted({f for c in ruleset.correlations for f in c.group_by})
    keep = list(dict.fromkeys(["host", "ts", "segment", "position", *group_by]))
    if events.height == 0:
        return events[[c for c in keep if c in events.columns]], pl.DataFrame()
    candidates, names = candidate_events(events, ruleset.rules, keep, tz)
    return candidates.select(keep), exact_matches(candidates, {n: ruleset.rules[int(n)].exact for n in names})


def exact_matches(candidates: pl.DataFrame, exact: dict[str, pl.Expr]) -> pl.DataFrame:
    """Each rule's exact condition, run on that rule's own candidates only (a rule's boolean column
    ``name``) and false elsewhere: on a chunk of half a million events the union of all rules'
    candidates (35,522 rows in the bench's data) is four times most rules' own (8,642 or fewer). What an event matches depends on that event alone, so
    the rows left out change nothing."""
    if not exact:
        return pl.DataFrame()
    # ``pl.col(n) &``, true on those rows, makes a literal condition one value a row, not one in all
    plans = [
        candidates.lazy().filter(pl.col(n)).select((pl.col(n) & e).fill_null(False)) for n, e in exact.items()
    ]
    false = pl.repeat(False, candidates.height, eager=True)
    columns = []
    for (name, _), hit in zip(exact.items(), pl.collect_all(plans), strict=True):
        rows = candidates.get_column(name).arg_true()
        columns.append(false.clone().scatter(rows, hit.get_column(name)).alias(name))
    return pl.DataFrame(columns)


def windowed(hit: pl.DataFrame, corr: CompiledCorrelation) -> pl.DataFrame:
    """The events that fall in some window of ``timespan`` seconds holding ≥ threshold events of one group."""
    if hit.height == 0:
        return hit

    def per_group(e: pl.Expr) -> pl.Expr:
        return e.over(corr.group_by) if corr.group_by else e

    t = pl.col("_t")
    span = int(corr.timespan) * 1000
    df = hit.with_columns(pl.col("ts").dt.epoch("ms").alias("_t")).sort("_t", maintain_order=True)
    # within its group (in time order), event i opens the window of events i … end - 1
    df = df.with_columns(
        per_group(pl.int_range(pl.len(), dtype=pl.Int64)).alias("_i"),
        per_group(t.search_sorted(t + span, side="right").cast(pl.Int64)).alias("_end"),
    )
    count = pl.col("_end") - pl.col("_i")
    ok = count >= corr.threshold if corr.op == "gte" else count > corr.threshold
    # event k lies in a qualifying window iff some qualifying window starting at i ≤ k ends after k
    reach = per_group(pl.when(ok).then(pl.col("_end")).otherwise(0).cum_max())
    return df.filter(reach > pl.col("_i")).drop("_t", "_i", "_end")


def _per_host(rule_id: str, title: str, level: str, hit: pl.DataFrame) -> pl.LazyFrame:
    return (
        hit.lazy()
        .sort(["segment", "position"])
        .group_by("host", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("count"),
            pl.col("ts").min().alias("first"),
            pl.col("ts").max().alias("last"),
            pl.struct(pl.col("segment", "position").cast(pl.Int64)).head(MAX_EVENTS).alias("events"),
        )
        .select(
            pl.lit(rule_id).alias("rule_id"),
            pl.lit(title).alias("rule_title"),
            pl.lit(level).alias("level"),
            pl.col("host").cast(pl.String),
            "count",
            pl.col("first", "last").cast(ALERT_SCHEMA["first"]),
            "events",
            (pl.col("count") > MAX_EVENTS).alias("events_truncated"),
        )
    )
