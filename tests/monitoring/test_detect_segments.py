"""The hourly detection matches each sealed segment once per set of rules and stacks the kept matches:
its alerts must equal detection over all events at once, in any range, and a change of rules or a
pruned segment must not leave stale matches behind. Every test runs twice: on segments whose matches
were taken as they were written (each a chunk sealed alone), and on segments joined from several
chunks (matched read back)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lakthan.monitoring.pipeline import detect as detect_engine
from lakthan.monitoring.pipeline.matches import MatchCache, joined, split
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import events as log_events
from lakthan.monitoring.services import home, ingest, retention, verification
from lakthan.monitoring.services import rules as log_rules
from lakthan.monitoring.services import seal as sealing

from .gen import known_attacks

RANGES = [  # the brute forces run 03:00–03:02 and 04:00–04:05 UTC; ranges cut through them
    (None, None),
    (datetime(2013, 3, 5, 3, 0, 30, tzinfo=UTC), None),
    (None, datetime(2013, 3, 5, 4, 2, tzinfo=UTC)),
    (datetime(2013, 3, 5, 3, 0, tzinfo=UTC), datetime(2013, 3, 5, 9, 0, tzinfo=UTC)),
]


@pytest.fixture(params=["matched when written", "matched read back"])
def sealed(db, request, settings):
    written = request.param == "matched when written"
    default = settings.LAKTHAN_LOG_ALONE_ROWS
    settings.LAKTHAN_LOG_ALONE_ROWS = 1 if written else 10**6  # these chunks are small
    syslog, access = known_attacks()
    for part in range(4):  # four segments, so brute-force windows and alerts span segments
        lines = syslog[part::4]
        for piece in [lines] if written else (lines[:40], lines[40:80], lines[80:]):
            ingest.ingest_lines(piece, "syslog")
        sealing.seal()
    ingest.ingest_lines(access, "nginx")
    sealing.seal()
    settings.LAKTHAN_LOG_ALONE_ROWS = default
    assert home.store().size() == 5
    return request.param


def _matches_dir() -> Path:
    return home.log_home() / "state" / "matches"


@pytest.mark.parametrize("start,end", RANGES)
def test_alerts_from_kept_matches_equal_detection_over_all_events(sealed, start, end):
    everything = detect_engine.detect(log_events.scan_events(start, end), log_rules.ruleset())
    assert everything  # the known attacks are found at all
    assert log_alerts.detect(start, end) == everything  # matches kept (or computed and kept)
    assert log_alerts.detect(start, end) == everything  # matches kept


def test_matches_taken_as_chunks_are_written_equal_matching_each_segment_read_back(sealed):
    key, rs = log_rules.rules_in_force()
    kept = sorted((_matches_dir() / key).glob("*.parquet"))
    assert len(kept) == (5 if sealed == "matched when written" else 0)
    s = home.store()
    for path in kept:
        found, matched = MatchCache(_matches_dir(), key).get(int(path.stem), lambda: pytest.fail("not kept"))
        expected = split(joined(*detect_engine.matching(log_events.positioned(s, int(path.stem)), rs)))
        assert found.equals(expected[0]) and found.height
        assert matched.select(sorted(matched.columns)).equals(expected[1].select(sorted(matched.columns)))
        assert set(matched.columns) == set(expected[1].columns)


def test_each_segment_is_matched_once_per_set_of_rules(sealed, monkeypatch, tmp_path):
    first = log_alerts.detect()
    (key,) = [p.name for p in _matches_dir().iterdir()]
    assert len(list((_matches_dir() / key).iterdir())) == 5

    def no_matching(*args, **kwargs):
        raise AssertionError("a segment was matched again")

    monkeypatch.setattr(detect_engine, "matching", no_matching)
    assert log_alerts.detect() == first
    monkeypatch.undo()

    rule = tmp_path / "rules"
    rule.mkdir()
    (rule / "cron.yml").write_text(
        "title: Cron ran\nid: 5a1f6d0e-0000-4000-8000-000000000001\nstatus: test\n"
        "logsource: {product: linux}\ndetection:\n  sel: {program: CRON}\n  condition: sel\nlevel: low\n"
    )
    log_rules.import_rules(rule)
    alerts = log_alerts.detect()
    assert [p.name for p in _matches_dir().iterdir()] != [key]  # the old rules' matches are gone
    cron = [a for a in alerts if a["rule_title"] == "Cron ran"]
    assert len(cron) == 1 and cron[0]["host"] == "db01" and cron[0]["count"] == 200


def test_pruned_segments_leave_no_matches(sealed):
    log_alerts.detect()
    assert len(list(_matches_dir().glob("*/*.parquet"))) == 5
    assert retention.prune() == [1, 2, 3, 4, 5]  # 2013 is long past the 90 days
    assert not list(_matches_dir().glob("*/*.parquet"))  # they were read out of the pruned payloads


def test_an_unreadable_segment_is_left_out_of_search_and_named(sealed, caplog):
    everything = detect_engine.detect(log_events.scan_events(), log_rules.ruleset())
    path = home.store().segment_path(2)
    path.chmod(0o644)
    path.write_bytes(b"not parquet")
    others = detect_engine.detect(log_events.scan_events(), log_rules.ruleset())
    assert others != everything
    if sealed == "matched when written":  # an altered file does not hide what its events matched
        assert log_alerts.detect() == everything
    else:
        assert log_alerts.detect() == others and others  # the other segments' alerts, not an exception
    assert log_events.search(text="203.0.113.7").rows
    assert "log segment 2 left out" in caplog.text
    assert not verification.verify()["intact"]


def test_a_review_stays_when_detection_runs_again_and_changes_the_alert(sealed):
    from lakthan.monitoring.models import Alert

    everything = log_alerts.detect()
    alert = Alert.objects.get(host="db01", rule_title__startswith="SSH brute force")  # 04:00–04:04:40
    log_alerts.set_disposition(alert.pk, "true_positive", "blocked at the firewall", actor="analyst")
    for end, count in [(datetime(2013, 3, 5, 4, 4, tzinfo=UTC), 13), (None, 15)]:
        log_alerts.detect(end=end)  # the same alert (rule, host, first event), fewer events, then all
        alert.refresh_from_db()
        assert alert.count == count
        assert (alert.disposition, alert.note, alert.reviewed_by) == (
            "true_positive",
            "blocked at the firewall",
            "analyst",
        )
    assert Alert.objects.count() == len(everything)  # updated in place, none recorded twice
