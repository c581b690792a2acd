"""A retro-hunt on Spark: Sigma rules over sealed segments, with the local engine's alerts.

The events are read and parsed on the executors (``segments.derived_events``), only the lines some
rule may match (``rules.narrowing``: its needles, as the local engine's candidates); the local-time fields
and lower-cased copies the rules read are added as Spark columns; every rule is matched in one pass;
and the alerts are aggregated in Spark: per rule (or correlation) and host the count, the first and
last time and the first ``MAX_EVENTS`` (segment, position). A correlation (``event_count``) keeps
the events that lie in some window of ``timespan`` seconds, starting at an event of their group,
holding enough events of the group, as ``detect.windowed`` does, with window functions. Only the
per-(rule, host) rows come back to the driver.

What equals what: ``hunt(...)`` is ``detect.alerts(*stacked([matching(positioned(i) in [start, end],
rs)]), rs)`` with ``rs = rules.compile_texts(sources, placeholders)``, in order and content.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pyspark.sql import Column, Window
from pyspark.sql import functions as F

from lakthan.monitoring.pipeline.compiled import DERIVED
from lakthan.monitoring.pipeline.detect import MAX_EVENTS
from lakthan.monitoring.pipeline.spark.rules import SparkRuleSet, compile_texts, narrowing
from lakthan.monitoring.pipeline.spark.segments import Segments, derived_events

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def hunt(
    spark: SparkSession,
    segments: list[tuple[int, str]],
    sources: list[tuple[str, str]],
    placeholders: dict[str, list[str]],
    start: datetime | None,
    end: datetime | None,
    tz: str = "Asia/Bangkok",
) -> list[dict]:
    """The alerts of the rules ``sources`` over the events of ``segments`` ([(index, Parquet URL)])
    in [start, end] (None: open), as the local engine gives them. Rules that do not compile are left
    out, as ``rules.compile_texts`` leaves them (its ``errors``)."""
    rs = compile_texts(sources, placeholders)
    if not segments or not rs.rules:
        return []
    return alerts(events(spark, segments, rs, start, end, tz), rs)


def events(
    spark: SparkSession,
    segments: Segments,
    rs: SparkRuleSet,
    start: datetime | None,
    end: datetime | None,
    tz: str = "Asia/Bangkok",
) -> DataFrame:
    """The events ``alerts`` reads: those of the segments in [start, end] whose stored line some rule
    of ``rs`` may match (``rules.narrowing``: one search of every rule's literals, in the worker before
    the parse, where Spark's per-literal ``contains`` cost more than the rules), parsed, with
    ``with_derived``'s columns. The exact conditions then run on those only."""
    parsed = derived_events(spark, segments, start, end, tz, keep=narrowing(rs))
    return with_derived(parsed, rs.fields(), tz)


def with_derived(events: DataFrame, fields: set[str], tz: str = "Asia/Bangkok") -> DataFrame:
    """``rules.add_derived`` in Spark: the local-time fields among ``fields`` and a lower-cased
    ``_lc_`` copy of each of ``fields``."""
    local = F.from_utc_timestamp(F.col("ts"), tz)  # the session's time zone is UTC
    hour = F.hour(local).cast("long")
    derived = {
        "hour": hour,
        "weekday": F.date_format(local, "EEE"),  # Mon … Sun, as strftime's %a
        "office_hours": F.when(
            F.dayofweek(local).between(2, 6) & (hour >= 8) & (hour < 18), F.lit("yes")
        ).otherwise(F.lit("no")),
    }
    columns = {f: derived[f] for f in sorted(fields & DERIVED)}
    events = events.withColumns(columns) if columns else events
    lowered = {f"_lc_{f}": F.lower(F.col(f).cast("string")) for f in sorted(fields)}
    return events.withColumns(lowered) if lowered else events


def alerts(events: DataFrame, rs: SparkRuleSet) -> list[dict]:
    """The alerts of ``rs`` over ``events`` (``with_derived``'s), aggregated in Spark."""
    rules, correlations = rs.rules, rs.correlations
    group_by = sorted({f for c in correlations for f in c.group_by})
    flags = [r.matches.alias(f"_m{i}") for i, r in enumerate(rules)]
    # (no filter on the flags: Spark would push it below them and evaluate every rule twice; an event
    # with no key explodes into no row)
    matched = events.select("host", "ts", "segment", "position", *group_by, *flags)
    index = {r.id: i for i, r in enumerate(rules)}  # (the last of a repeated id, as detect.alerts)
    # one row per (event, alert key): a key per rule that alerts, then per correlation
    keys: list[Column] = [F.when(F.col(f"_m{i}"), F.lit(i)) for i, r in enumerate(rules) if not r.hidden]
    first_corr = len(rules)
    for j, corr in enumerate(correlations):
        hit = _any([F.col(f"_m{index[r]}") for r in corr.rules])
        keys.append(F.when(hit, F.lit(first_corr + j)))
    if not keys:
        return []
    rows = matched.select(
        "host",
        "ts",
        "segment",
        "position",
        *group_by,
        F.explode(F.filter(F.array(*keys), lambda k: k.isNotNull())).alias("_key"),
    )
    # one exchange for the windows and the aggregation after them (each partitions by _key and more):
    # the matched events are few, and the default 200 shuffle partitions cost more than they hold
    rows = rows.repartition(events.sparkSession.sparkContext.defaultParallelism, "_key")
    if correlations:
        rows = _windowed(rows, rs, first_corr)
    return _collect(_per_host(rows), rs, first_corr)


def _any(parts: list[Column]) -> Column:
    out = parts[0]
    for p in parts[1:]:
        out = out | p
    return out


def _windowed(rows: DataFrame, rs: SparkRuleSet, first_corr: int) -> DataFrame:
    """Keeps every rule's rows, and of a correlation's the events in some window of its timespan,
    starting at an event of their group, that holds ≥ (or >) its threshold of the group's events."""
    key = F.col("_key")
    group = F.lit(None).cast("array<string>")
    for j, corr in enumerate(rs.correlations):
        values = (
            F.array(*[F.col(c).cast("string") for c in corr.group_by])
            if corr.group_by
            else F.array().cast("array<string>")
        )
        group = F.when(key == first_corr + j, values).otherwise(group)
    rows = rows.withColumn("_group", group).withColumn("_t", F.unix_millis(F.col("ts")))
    ordered = Window.partitionBy("_key", "_group").orderBy("_t", "segment", "position")
    # _i: the event's place in its group in time order; _end: how many of the group's events are no
    # later than its time + timespan, so the window it opens holds _end - _i events
    rows = rows.withColumn("_i", F.row_number().over(ordered) - 1)
    end: Column = F.lit(None).cast("long")
    for span in sorted({c.timespan for c in rs.correlations}):
        upto = (
            Window.partitionBy("_key", "_group")
            .orderBy("_t")
            .rangeBetween(Window.unboundedPreceding, span * 1000)
        )
        mine = _any([key == first_corr + j for j, c in enumerate(rs.correlations) if c.timespan == span])
        end = F.when(mine, F.count(F.lit(1)).over(upto)).otherwise(end)
    rows = rows.withColumn("_end", end)
    ok: Column = F.lit(False)
    for j, corr in enumerate(rs.correlations):
        count = F.col("_end") - F.col("_i")
        holds = count >= corr.threshold if corr.op == "gte" else count > corr.threshold
        ok = F.when(key == first_corr + j, holds).otherwise(ok)
    # an event lies in a qualifying window iff one opened at or before it reaches past it
    so_far = ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    rows = rows.withColumn("_reach", F.max(F.when(ok, F.col("_end")).otherwise(F.lit(0))).over(so_far))
    kept = rows.where((key < first_corr) | (F.col("_reach") > F.col("_i")))
    return kept.select("_key", "host", "ts", "segment", "position")


def _per_host(rows: DataFrame) -> DataFrame:
    at = F.struct("segment", "position")
    ranked = rows.withColumn(
        "_rank", F.row_number().over(Window.partitionBy("_key", "host").orderBy("segment", "position"))
    )
    return ranked.groupBy("_key", "host").agg(
        F.count(F.lit(1)).alias("count"),
        F.unix_micros(F.min("ts")).alias("first"),
        F.unix_micros(F.max("ts")).alias("last"),
        F.array_sort(F.collect_list(F.when(F.col("_rank") <= MAX_EVENTS, at))).alias("events"),
        F.min(at).alias("_at"),
    )


def _collect(per_host: DataFrame, rs: SparkRuleSet, first_corr: int) -> list[dict]:
    """The alerts in detect.alerts' order: by rule and host (host None as ""), ties as detect lists
    them (rules, then correlations; hosts in the order of their first event)."""
    out = []
    for row in sorted(
        per_host.collect(), key=lambda r: (r["_key"], r["_at"]["segment"], r["_at"]["position"])
    ):
        k = row["_key"]
        src = rs.rules[k] if k < first_corr else rs.correlations[k - first_corr]
        alert = {
            "rule_id": src.id,
            "rule_title": src.title,
            "level": src.level,
            "host": row["host"],
            "count": row["count"],
            "first": _iso(row["first"]),
            "last": _iso(row["last"]),
            "events": [{"segment": e["segment"], "position": e["position"]} for e in row["events"]],
        }
        if row["count"] > MAX_EVENTS:
            alert["events_truncated"] = True
        out.append(alert)
    return sorted(out, key=lambda a: (a["rule_id"], a["host"] or ""))


def _iso(micros: int) -> str:
    return (EPOCH + timedelta(microseconds=micros)).isoformat()


__all__ = ["Segments", "alerts", "events", "hunt", "with_derived"]
