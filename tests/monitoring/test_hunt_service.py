"""The retro-hunt service on the local engine: with the rules in force it finds exactly what detection
finds over the same period; a rule file of one's own finds its events and marks the alerts it finds
first with the hunt; an alert already known keeps its origin and its review; a file that does not
compile is named and left out; an unreadable segment is left out and the others are hunted."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.monitoring.models import Alert, Hunt
from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import engines, home, hunts
from lakthan.monitoring.services import events as log_events
from lakthan.monitoring.services import rules as log_rules
from tests.monitoring import hunt_fixtures

from .hunt_fixtures import CRON_ID, CRON_RULE

sealed, rule_files = hunt_fixtures.sealed, hunt_fixtures.rule_files

RANGES = [  # the brute forces run 03:00–03:02 and 04:00–04:05 UTC; ranges cut through them
    (None, None),
    (datetime(2013, 3, 5, 3, 0, 30, tzinfo=UTC), None),
    (None, datetime(2013, 3, 5, 4, 2, tzinfo=UTC)),
    (datetime(2013, 3, 5, 3, 0, tzinfo=UTC), datetime(2013, 3, 5, 9, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize("start,end", RANGES)
def test_a_hunt_with_the_rules_in_force_finds_what_detection_finds(sealed, start, end):
    hunt, sources, not_run = hunts.request_hunt(None, start, end, actor="analyst")
    assert not_run == [] and sources == log_rules.rule_sources()
    done, found = hunts.carry_out(hunt.pk, sources)
    detected = log_alerts.detect(start, end)
    assert found == detected and found  # the same alerts, event for event
    assert (done.status, done.alerts, done.new_alerts, done.segments) == ("done", len(found), len(found), 5)
    # the hunt ran first: every alert is its; detection afterwards changed none of their origins
    assert set(Alert.objects.values_list("hunt", flat=True)) == {done.pk}
    assert Alert.objects.count() == len(found)


def test_the_hunt_row_records_the_rules_their_digest_the_period_and_who(sealed):
    start, end = datetime(2013, 3, 4, 17, tzinfo=UTC), datetime(2013, 3, 5, 16, 59, tzinfo=UTC)
    done = hunts.run_hunt(None, start, end, actor="analyst")
    sources = log_rules.rule_sources()
    assert done.rules_sha256 == hashlib.sha256("".join(t for _, t in sources).encode()).hexdigest()
    assert {r["title"] for r in done.rules} >= {"SSH failed login", "Login outside office hours"}
    assert all(set(r) == {"rule_id", "title", "level", "file"} for r in done.rules)
    assert (done.start, done.end, done.engine, done.master, done.started_by) == (
        start,
        end,
        "local",
        "",
        "analyst",
    )
    assert done.finished_at is not None and done.error == ""
    actions = list(
        AuditEntry.objects.filter(object_type="monitoring.hunt").order_by("pk").values_list("action", "actor")
    )
    assert actions == [("loghunt.start", "analyst"), ("loghunt.done", "analyst")]


def test_a_rule_file_of_ones_own_finds_its_events_and_marks_the_new_alerts(sealed, rule_files):
    log_alerts.detect()
    known = Alert.objects.count()
    sources = hunts.read_rule_files([rule_files["cron"]])
    assert sources == [(str(rule_files["cron"]), CRON_RULE)]
    done, found = hunts.carry_out(hunts.request_hunt(sources, None, None, actor="analyst")[0].pk, sources)
    (alert,) = found
    assert (alert["rule_id"], alert["host"], alert["count"]) == (CRON_ID, "db01", 200)
    assert len(alert["events"]) == detect_engine.MAX_EVENTS and alert["events_truncated"]
    events = log_events.scan_events()
    cron = events.filter(events["app"] == "CRON")
    assert cron.height == 200 and {(e["segment"], e["position"]) for e in alert["events"]} <= set(
        zip(cron["segment"], cron["position"], strict=True)
    )
    row = Alert.objects.get(rule_id=CRON_ID)
    assert row.hunt == done and row.count == 200
    assert (done.alerts, done.new_alerts) == (1, 1)
    assert Alert.objects.filter(hunt__isnull=True).count() == known  # detection's alerts untouched
    assert done.rules == [
        {"rule_id": CRON_ID, "title": "Cron noise", "level": "low", "file": str(rule_files["cron"])}
    ]
    assert hunts.with_origin(found)[0]["hunt"] == done.pk


def test_a_hunt_over_a_period_finds_only_the_events_of_that_period(sealed, rule_files):
    sources = hunts.read_rule_files([rule_files["cron"]])
    # the cron lines run every 2 minutes from 09:00:30 Bangkok (02:00:30 UTC): 30 of them in the first hour
    start, end = datetime(2013, 3, 5, 2, tzinfo=UTC), datetime(2013, 3, 5, 3, tzinfo=UTC)
    _, found = hunts.carry_out(hunts.request_hunt(sources, start, end, actor="analyst")[0].pk, sources)
    assert [a["count"] for a in found] == [30]


def test_an_alert_already_known_keeps_its_origin_and_its_review(sealed):
    detected = log_alerts.detect()
    alert = Alert.objects.get(host="db01", rule_title__startswith="SSH brute force")
    log_alerts.set_disposition(alert.pk, "true_positive", "blocked at the firewall", actor="analyst")
    first = hunts.run_hunt(None, None, None, actor="hunter")
    assert (first.alerts, first.new_alerts) == (len(detected), 0)
    alert.refresh_from_db()
    assert alert.hunt is None
    assert (alert.disposition, alert.note, alert.reviewed_by) == (
        "true_positive",
        "blocked at the firewall",
        "analyst",
    )
    # an alert a hunt found first keeps that hunt when another hunt (or detection) finds it again
    Alert.objects.filter(pk=alert.pk).delete()
    second = hunts.run_hunt(None, None, None, actor="hunter")
    assert (
        second.new_alerts == 1
        and Alert.objects.get(host="db01", rule_title__startswith="SSH brute").hunt == second
    )
    third = hunts.run_hunt(None, None, None, actor="hunter")
    log_alerts.detect()
    assert third.new_alerts == 0
    assert Alert.objects.get(host="db01", rule_title__startswith="SSH brute").hunt == second


def test_a_file_that_does_not_compile_is_named_and_the_others_run(sealed, rule_files):
    sources = hunts.read_rule_files([rule_files["cron"].parent])  # the directory: bad, broken, cron
    assert [p for p, _ in sources] == [str(rule_files[k]) for k in ("bad", "broken", "cron")]
    hunt, sources, not_run = hunts.request_hunt(sources, None, None, actor="analyst")
    assert [p for p, _ in not_run] == [str(rule_files["bad"]), str(rule_files["broken"])]
    done = hunts.execute(hunt.pk, sources)
    assert done.status == "done" and done.alerts == 1 and [r["rule_id"] for r in done.rules] == [CRON_ID]
    assert str(rule_files["bad"]) in done.error and str(rule_files["broken"]) in done.error


def test_when_no_rule_compiles_the_hunt_is_refused_with_the_reasons(sealed, rule_files):
    sources = hunts.read_rule_files([rule_files["bad"], rule_files["broken"]])
    with pytest.raises(InvalidInput) as refused:
        hunts.request_hunt(sources, None, None, actor="analyst")
    assert "bad.yml" in refused.value.message_en and "broken.yml" in refused.value.message_en
    assert refused.value.message_th.startswith("ไม่มีกฎใดใช้ได้")
    assert not Hunt.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engine": "hadoop"}, "unknown engine"),
        ({"master": "local[2]"}, "--master and --segments go with --engine spark"),
        ({"segments_url": "s3a://b/s"}, "--master and --segments go with --engine spark"),
    ],
)
def test_engine_options_are_checked_before_anything_is_recorded(sealed, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        hunts.request_hunt(None, None, None, actor="analyst", **kwargs)
    assert not Hunt.objects.exists()


def test_a_period_ending_before_it_starts_is_refused(sealed):
    with pytest.raises(InvalidInput, match="after its end"):
        hunts.request_hunt(
            None, datetime(2013, 3, 6, tzinfo=UTC), datetime(2013, 3, 5, tzinfo=UTC), actor="a"
        )


def test_an_unreadable_segment_is_left_out_and_the_others_are_hunted(sealed, caplog):
    path = home.store().segment_path(2)
    path.chmod(0o644)
    path.write_bytes(b"not parquet")
    others = detect_engine.detect(log_events.scan_events(), log_rules.ruleset())  # segments 1, 3, 4, 5
    done, found = hunts.carry_out(
        hunts.request_hunt(None, None, None, actor="a")[0].pk, log_rules.rule_sources()
    )
    assert found == others and found
    assert (done.status, done.segments) == ("done", 4)
    assert "segment 2 left out" in done.error and "log segment 2 left out" in caplog.text
    assert hunts.hunt_local(log_rules.ruleset(), None, None) == (others, 4)


def test_segment_files_are_the_stores_own_or_under_the_base_given(sealed, settings):
    s = home.store()
    assert engines.segment_files([1, 12], "") == [(1, str(s.segment_path(1))), (12, str(s.segment_path(12)))]
    assert engines.segment_files([3], "s3a://logs/segments/") == [(3, "s3a://logs/segments/00000003.parquet")]
    settings.LAKTHAN_LOG_SEGMENTS_URL = "/mnt/share/segments"
    assert engines.segment_files([3]) == [(3, "/mnt/share/segments/00000003.parquet")]
    assert engines.segment_files([3], "") == [(3, str(s.segment_path(3)))]
