"""Alerts kept as a DataFrame (detect.alert_frame) and the three texts made of it by polars: the
`detect --json` dicts, the JSON lines the CLI prints, and the JSON of the events the database holds.
Each must be what Python's own conversions give, character for character."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.pipeline.rules import compile_texts

from .test_detect import RULES, SAMPLES, _events, _sources

TIMES = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))
EVENTS = st.lists(  # in the order detection gives the keys
    st.builds(lambda s, p: {"segment": s, "position": p}, st.integers(0, 2**40), st.integers(0, 2**40)),
    max_size=5,
)


def _alert(rule_id: str, host: str | None, count: int, title: str = "A rule", **more) -> dict:
    first = datetime(2013, 1, 5, 3, tzinfo=UTC)
    return {
        "rule_id": rule_id,
        "rule_title": title,
        "level": "high",
        "host": host,
        "count": count,
        "first": first.isoformat(),
        "last": (first + timedelta(seconds=count, microseconds=250)).isoformat(),
        "events": [{"segment": 1, "position": p} for p in range(min(count, detect_engine.MAX_EVENTS))],
        **more,
    }


# quotes, a backslash, a line break, Thai, no host, more events than an alert keeps
AWKWARD = [
    _alert("r1", "web01", 2, 'say "hi" \\ to\nthe log'),
    _alert("r1", None, 1, "บัญชีที่ถูกระงับ"),
    _alert("r2", "db01", 150, events_truncated=True),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(TIMES, min_size=1, max_size=20))
def test_times_are_written_as_isoformat_writes_them(times):
    column = pl.Series("t", times, dtype=pl.Datetime("us", "UTC"))
    assert pl.select(detect_engine.iso_text(pl.lit(column))).to_series().to_list() == [
        t.isoformat() for t in times
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENTS, min_size=1, max_size=10))
def test_events_are_written_as_json_dumps_writes_them(lists):
    frame = pl.DataFrame({"events": lists}, schema={"events": detect_engine.ALERT_SCHEMA["events"]})
    texts = frame.select(detect_engine.events_json(pl.col("events"))).to_series().to_list()
    assert texts == [json.dumps(events) for events in lists]


def test_the_frame_of_alerts_gives_back_the_alerts_it_was_made_of():
    frame = detect_engine.frame_of(AWKWARD)
    assert frame.schema == pl.Schema(detect_engine.ALERT_SCHEMA)
    assert detect_engine.as_dicts(frame) == AWKWARD
    assert_frame_equal(detect_engine.frame_of(detect_engine.as_dicts(frame)), frame)
    assert "events_truncated" not in detect_engine.as_dicts(frame)[0]


def test_each_json_line_reads_back_as_its_alert():
    frame = detect_engine.frame_of(AWKWARD)
    lines = detect_engine.json_lines(frame)
    assert [json.loads(line) for line in lines] == AWKWARD
    assert all("\n" not in line for line in lines)  # one alert a line
    assert "บัญชี" in lines[1]  # Thai as it is, as json.dumps(ensure_ascii=False) writes it


def test_detection_of_known_attacks_in_every_form():
    rs = compile_texts(_sources(RULES, SAMPLES), {"disabled_accounts": ["former01"]})
    found, matched = detect_engine.matching(_events(), rs)
    frame = detect_engine.alert_frame(found, matched, rs)
    alerts = detect_engine.as_dicts(frame)
    assert len(alerts) == frame.height > 10
    assert alerts == sorted(alerts, key=lambda a: (a["rule_id"], a["host"] or ""))
    assert any("brute force" in a["rule_title"] for a in alerts)  # a correlation's alerts among them
    assert [json.loads(line) for line in detect_engine.json_lines(frame)] == alerts
    for a in alerts:  # each alert's own events, in log order, as many as it counts
        rows = found.filter(pl.col("host").eq_missing(a["host"]))
        assert a["events"] == sorted(a["events"], key=lambda e: (e["segment"], e["position"]))
        assert len(a["events"]) == a["count"] <= rows.height
        assert a["first"] <= a["last"]


def test_no_alerts_is_an_empty_frame_of_the_schema():
    rs = compile_texts(_sources(RULES), {"disabled_accounts": []})
    found, matched = detect_engine.matching(_events().head(0), rs)
    frame = detect_engine.alert_frame(found, matched, rs)
    assert frame.height == 0 and frame.schema == pl.Schema(detect_engine.ALERT_SCHEMA)
    assert detect_engine.as_dicts(frame) == [] and detect_engine.json_lines(frame) == []
