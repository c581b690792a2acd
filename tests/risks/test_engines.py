"""The pure engines of item 3: the matrix as data, durations, and recovery measured from backups."""

from datetime import UTC, datetime, timedelta

import pytest

from lakthan.lib.durations import BadDuration, format_duration, format_duration_th, parse_duration
from lakthan.lib.timezones import BANGKOK, parse_instant
from lakthan.risks.engines.matrix import MatrixRejected, load_default, parse_matrix
from lakthan.risks.engines.recovery import measure


def test_the_default_matrix_bands_likelihood_times_impact_into_four_thai_labelled_levels():
    matrix = load_default()
    assert matrix.likelihood_values == (1, 2, 3, 4, 5) and matrix.impact_values == (1, 2, 3, 4, 5)
    assert [matrix.level(1, 3).code, matrix.level(1, 4).code, matrix.level(2, 5).code] == [
        "low",
        "medium",
        "high",
    ]
    assert matrix.level(4, 4).code == "very_high" and matrix.level(4, 4).label_th == "สูงมาก"
    assert matrix.level(3, 3).code == "medium" and matrix.level(3, 5).code == "very_high"
    assert matrix.is_high("high") and matrix.is_high("very_high") and not matrix.is_high("medium")
    with pytest.raises(ValueError):
        matrix.level(6, 1)


def test_an_agencys_own_matrix_may_name_the_level_of_single_cells():
    text = """
name: three
likelihood: [{value: 1, label_th: a, label_en: a}, {value: 2, label_th: b, label_en: b}, {value: 3, label_th: c, label_en: c}]
impact: [{value: 1, label_th: a, label_en: a}, {value: 2, label_th: b, label_en: b}, {value: 3, label_th: c, label_en: c}]
levels:
  - {code: low, label_th: ต่ำ, label_en: Low, min_score: 1}
  - {code: high, label_th: สูง, label_en: High, min_score: 6}
cells: {"1,3": high}
""".encode()
    matrix = parse_matrix(text)
    assert matrix.level(1, 3).code == "high"  # the named cell, though 1 × 3 < 6
    assert matrix.level(3, 1).code == "low"
    assert matrix.high_from == "high"  # default: the top level


def test_a_bad_matrix_is_refused_whole_with_every_problem_named_by_its_line():
    text = b"""name: bad
likelihood:
  - {value: 1, label_th: a, label_en: a}
  - {value: 3, label_th: c, label_en: c}
impact: []
levels:
  - {code: low, label_th: x, label_en: x, min_score: 5}
  - {code: high, label_th: y, label_en: y, min_score: 2}
cells: {"9,9": nope}
"""
    with pytest.raises(MatrixRejected) as caught:
        parse_matrix(text)
    lines = [line for line, _, _ in caught.value.problems]
    messages = caught.value.message_en
    assert 4 in lines and "expected 2" in messages
    assert 5 in lines and "impact must be a non-empty list" in messages
    assert 8 in lines and "min_score must grow" in messages
    assert 9 in lines and "outside the matrix" in messages and "no level nope" in messages
    assert "บรรทัด 4" in caught.value.message_th


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30m", 1800),
        ("4h", 14400),
        ("1d", 86400),
        ("1h30m", 5400),
        (" 2 h ", 7200),
        ("1w", 604800),
        ("90s", 90),
    ],
)
def test_durations_read_as_people_write_them(text, seconds):
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "4", "h", "4x", "0m", "-4h", "4h and a bit"])
def test_a_text_that_is_not_a_duration_is_refused(text):
    with pytest.raises(BadDuration):
        parse_duration(text)


def test_durations_are_written_back_shortest_and_in_thai():
    assert format_duration(5400) == "1h30m" and format_duration(86400 * 14) == "14d"
    assert format_duration_th(5400) == "1 ชั่วโมง 30 นาที" and format_duration_th(86400) == "1 วัน"


def test_an_instant_without_an_offset_is_read_in_bangkok_and_one_with_an_offset_is_kept():
    assert parse_instant("2013-03-01T09:00") == datetime(2013, 3, 1, 2, 0, tzinfo=UTC)
    assert parse_instant("2013-03-01 09:00:00+00:00") == datetime(2013, 3, 1, 9, 0, tzinfo=UTC)
    assert parse_instant("2013-03-01T09:00+07:00") == datetime(2013, 3, 1, 9, 0, tzinfo=BANGKOK)
    with pytest.raises(ValueError):
        parse_instant("first of March")


START = datetime(2013, 3, 1, 2, 0, tzinfo=UTC)


def test_recovery_is_measured_from_the_newest_backup_before_the_start_not_one_taken_after():
    snapshots = [START - timedelta(hours=30), START - timedelta(hours=6), START + timedelta(minutes=10)]
    got = measure(START, START + timedelta(hours=3), snapshots, rto_target_s=4 * 3600, rpo_target_s=24 * 3600)
    assert got.rto_s == 3 * 3600 and got.rto_met is True
    assert got.rpo_s == 6 * 3600 and got.rpo_met is True
    assert got.last_backup_at == START - timedelta(hours=6)


def test_recovery_over_target_is_flagged_and_no_backup_before_the_start_misses_the_rpo():
    got = measure(START, START + timedelta(hours=5), [START + timedelta(minutes=1)], 4 * 3600, 3600)
    assert got.rto_met is False
    assert got.rpo_s is None and got.last_backup_at is None and got.rpo_met is False


def test_a_snapshot_exactly_at_the_start_does_not_count_and_without_targets_nothing_is_judged():
    got = measure(START, START, [START], None, None)
    assert got.rto_s == 0 and got.rpo_s is None
    assert got.rto_met is None and got.rpo_met is None


def test_times_from_different_offsets_are_the_same_instants():
    started = parse_instant("2013-03-01T09:00+07:00")
    restored = parse_instant("2013-03-01T03:30:00+00:00")  # 10:30 in Bangkok
    assert measure(started, restored, [], 7200, None).rto_s == 5400


def test_naive_times_and_a_restore_before_the_start_are_refused():
    with pytest.raises(ValueError):
        measure(START.replace(tzinfo=None), START.replace(tzinfo=None), [], None, None)
    with pytest.raises(ValueError):
        measure(START, START - timedelta(seconds=1), [], None, None)
