"""Running compiled rules over events: one alert per rule and host, linking to (segment, position)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from lakthan.monitoring.pipeline.rules import CompiledCorrelation, RuleSet, add_derived

MAX_EVENTS = 100


def detect(events: pl.DataFrame, ruleset: RuleSet, tz: str = "Asia/Bangkok") -> list[dict]:
    """``events`` carries the schema's columns plus ``segment`` and ``position``."""
    if events.height == 0:
        return []
    fields = ruleset.fields()
    df = add_derived(events, fields, tz)
    keep = [
        "host",
        "ts",
        "segment",
        "position",
        *sorted({f for c in ruleset.correlations for f in c.group_by}),
    ]
    keep = list(dict.fromkeys(keep))
    matches: dict[str, pl.DataFrame] = {}
    alerts: list[dict] = []
    for rule in ruleset.rules:
        candidates = df.filter(rule.logsource & rule.prefilter)
        hit = candidates.filter(rule.exact).select(keep) if candidates.height else candidates.select(keep)
        matches[rule.id] = hit
        if not rule.hidden and hit.height:
            alerts += _alerts(rule.id, rule.title, rule.level, hit)
    for corr in ruleset.correlations:
        hit = pl.concat([matches[r] for r in corr.rules]).unique(["segment", "position"], maintain_order=True)
        hit = _windowed(hit, corr)
        if hit.height:
            alerts += _alerts(corr.id, corr.title, corr.level, hit)
    return sorted(alerts, key=lambda a: (a["rule_id"], a["host"] or ""))


def _windowed(hit: pl.DataFrame, corr: CompiledCorrelation) -> pl.DataFrame:
    """The events that fall in some window of ``timespan`` seconds holding ≥ threshold events of one group."""
    if hit.height == 0:
        return hit
    group = pl.struct(corr.group_by).rank("dense") if corr.group_by else pl.lit(1)
    ms = pl.col("ts").dt.epoch("ms")
    df = hit.with_columns(group.cast(pl.Int64).alias("_g"), ms.alias("_t")).sort(["_g", "_t"])
    t = df["_t"] - df["_t"].min()
    span = int(corr.timespan) * 1000
    key = df["_g"] * (int(t.max()) + span + 1) + t  # sorted: group, then time
    end = key.search_sorted(key + span, side="right").cast(pl.Int64)
    idx = pl.int_range(0, df.height, eager=True, dtype=pl.Int64)
    ok = (end - idx) >= corr.threshold if corr.op == "gte" else (end - idx) > corr.threshold
    # event k lies in a qualifying window iff some qualifying window starting at i ≤ k ends after k
    reach = pl.select(pl.when(ok).then(end).otherwise(0).cum_max()).to_series()
    inside = reach > idx
    return df.filter(inside).drop(["_g", "_t"])


def _alerts(rule_id: str, title: str, level: str, hit: pl.DataFrame) -> list[dict]:
    out = []
    for (host,), part in hit.sort(["segment", "position"]).group_by(["host"], maintain_order=True):
        events = part.select("segment", "position").head(MAX_EVENTS).to_dicts()
        alert = {
            "rule_id": rule_id,
            "rule_title": title,
            "level": level,
            "host": host,
            "count": part.height,
            "first": _iso(part["ts"].min()),
            "last": _iso(part["ts"].max()),
            "events": events,
        }
        if part.height > MAX_EVENTS:
            alert["events_truncated"] = True
        out.append(alert)
    return out


def _iso(value: datetime) -> str:
    return value.isoformat()
