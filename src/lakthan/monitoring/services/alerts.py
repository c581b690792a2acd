"""Detection over the sealed events and the alerts it records, with their review."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import polars as pl
from django.db import transaction
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.bulk import upsert_frame
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.monitoring.models import Alert, Hunt
from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.pipeline.compiled import RuleSet
from lakthan.monitoring.pipeline.matches import MatchCache, stacked
from lakthan.monitoring.pipeline.store import LogStore
from lakthan.monitoring.services.events import in_range, positioned, readable_segments, unless_unreadable
from lakthan.monitoring.services.home import state_dir, store
from lakthan.monitoring.services.rules import rules_in_force

ALERT_FIELDS = ["rule_title", "level", "count", "last", "events", "events_truncated"]


def match_segment(s: LogStore, index: int, rs: RuleSet) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What the events of sealed segment ``index`` match under ``rs`` (read and matched afresh)."""
    return detect_engine.matching(positioned(s, index), rs)


def detect(start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    """Runs every rule over the sealed events in the range; records one alert per rule and host
    (keeping any disposition already given) and returns them in the `detect --json` shape."""
    return detect_engine.as_dicts(detect_frame(start, end))


def detect_frame(start: datetime | None = None, end: datetime | None = None) -> pl.DataFrame:
    """``detect``, its alerts as a DataFrame (detect.ALERT_SCHEMA). Each segment is matched once per
    set of rules (pipeline/matches.py)."""
    key, rs = rules_in_force()
    cache = MatchCache(state_dir() / "matches", key)
    s = store()
    parts = []
    for index in readable_segments(s, start, end):
        kept = unless_unreadable(index, partial(cache.get, index, partial(match_segment, s, index, rs)))
        if kept is None:
            continue
        found, matched = kept
        if start or end:
            within = found.select(in_range(start, end)).to_series()
            found, matched = found.filter(within), matched.filter(within) if matched.width else matched
        parts.append((found, matched))
    alerts = detect_engine.alert_frame(*stacked(parts), rs)
    record_alerts(alerts)
    return alerts


@transaction.atomic
def record_alerts(alerts: list[dict] | pl.DataFrame, hunt: Hunt | None = None) -> None:
    """One alert per rule, host and first event (given in the `detect --json` shape or as
    ``detect_frame`` gives them): new ones created, changed ones updated with a new detection time,
    unchanged ones left as they are; a review (disposition, note, by, at) is never written here. A new
    alert is marked with ``hunt`` (the retro-hunt that found it); an existing one keeps its origin
    (detection or an earlier hunt)."""
    frame = alerts if isinstance(alerts, pl.DataFrame) else detect_engine.frame_of(alerts)
    key = ["rule_id", "host", "first"]
    rows = frame.select(
        "rule_id",
        pl.col("host").fill_null(""),  # a host of None and of "" are the same alert
        "first",
        "rule_title",
        "level",
        "count",
        "last",
        detect_engine.events_json(pl.col("events")).alias("events"),  # as the ORM writes them
        "events_truncated",
        pl.lit(timezone.now(), dtype=pl.Datetime("us", "UTC")).alias("detected_at"),
        # written on insert only: not among the fields set on a conflict
        pl.lit(hunt.pk if hunt is not None else None, dtype=pl.Int64).alias("hunt"),
    ).unique(key, keep="last", maintain_order=True)  # one row per key, the last given
    upsert_frame(Alert, rows, key, set_fields=[*ALERT_FIELDS, "detected_at"], only_if_changed=ALERT_FIELDS)


@transaction.atomic
def set_disposition(alert_id: int, disposition: str, note: str = "", actor: str = audit.SYSTEM) -> Alert:
    if disposition not in Alert.Disposition.values:
        raise InvalidInput(f"ผลการพิจารณา '{disposition}' ไม่ถูกต้อง", f"unknown disposition '{disposition}'")
    try:
        alert = Alert.objects.select_for_update().get(pk=alert_id)
    except Alert.DoesNotExist:
        raise NotFound(f"ไม่พบการแจ้งเตือน {alert_id}", f"no alert {alert_id}") from None
    before = audit.snapshot(alert)
    alert.disposition, alert.note = disposition, note.strip()
    alert.reviewed_by, alert.reviewed_at = actor, timezone.now()
    alert.save()
    audit.record(actor, "alert.review", alert, before=before)
    return alert
