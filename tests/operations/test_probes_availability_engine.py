"""Availability arithmetic: time-weighted, each result holding until the next one or at most three
intervals, unknown before the first result, in long gaps and after now; split at Bangkok months."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lakthan.operations.engines.availability import bangkok_span, segments, tally
from lakthan.operations.engines.uptime import Day, month_label, percent

BKK = ZoneInfo("Asia/Bangkok")
MIN = 60


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_result_before_midnight_bangkok_holds_into_february():
    # every 5 min; a result up at 23:58 Bangkok on 31 Jan holds 2 min into January, 3 into February
    results = [(at("2026-01-31T23:58:00+07:00"), True), (at("2026-02-01T00:03:00+07:00"), False)]
    start, end = bangkok_span(datetime(2026, 1, 31).date(), datetime(2026, 2, 1).date())
    whole, (jan, feb) = tally(results, 5 * MIN, start, end, now=at("2026-03-01T00:00+07:00"))
    assert (jan.label, feb.label) == ("2026-01", "2026-02")
    assert jan.up_us == 2 * MIN * 10**6 and jan.down_us == 0
    assert feb.up_us == 3 * MIN * 10**6
    assert feb.down_us == 15 * MIN * 10**6  # the last result holds 3 intervals, then unknown
    assert jan.seconds() == {"up_s": 120, "down_s": 0, "unknown_s": 86400 - 120, "ratio": 1.0}
    assert feb.seconds()["unknown_s"] == 86400 - 18 * MIN
    assert whole.up_us == jan.up_us + feb.up_us and whole.ratio == pytest.approx(5 / 20)


def test_the_month_boundary_is_bangkok_midnight_not_utc_midnight():
    # 2026-01-31T17:00Z is 00:00 Bangkok on 1 Feb; UTC would still call it January
    results = [(at("2026-01-31T16:55:00+00:00"), True), (at("2026-01-31T17:00:00+00:00"), True)]
    start, end = at("2026-01-01T00:00+07:00"), at("2026-03-01T00:00+07:00")
    _, (jan, feb) = tally(results, 5 * MIN, start, end, now=end)
    assert jan.up_us == 5 * MIN * 10**6
    assert feb.up_us == 15 * MIN * 10**6
    assert jan.start == start and feb.start == at("2026-02-01T00:00+07:00")


def test_a_gap_longer_than_three_intervals_is_unknown_not_up():
    t0 = at("2026-03-10T08:00:00+07:00")
    results = [(t0, True), (t0 + timedelta(hours=2), False), (t0 + timedelta(hours=2, minutes=5), True)]
    start, end = at("2026-03-10T00:00+07:00"), at("2026-03-11T00:00+07:00")
    whole, _ = tally(results, 5 * MIN, start, end, now=t0 + timedelta(hours=2, minutes=10))
    # up 15 min (3 intervals, then unknown until 10:00), down 5 min, up 5 min until now
    assert whole.up_us == 20 * MIN * 10**6 and whole.down_us == 5 * MIN * 10**6
    assert whole.ratio == 0.8
    assert whole.unknown_us == (86400 - 25 * MIN) * 10**6


def test_a_gap_of_exactly_three_intervals_is_covered():
    t0 = at("2026-03-10T08:00:00+07:00")
    results = [(t0, False), (t0 + timedelta(minutes=15), True)]
    whole, _ = tally(results, 5 * MIN, t0, t0 + timedelta(minutes=30), now=t0 + timedelta(minutes=30))
    assert whole.down_us == 15 * MIN * 10**6 and whole.up_us == 15 * MIN * 10**6 and whole.unknown_us == 0


def test_before_the_first_result_and_after_now_are_unknown():
    t0 = at("2026-04-15T12:00:00+07:00")
    start, end = bangkok_span(datetime(2026, 4, 1).date(), datetime(2026, 4, 30).date())
    whole, (april,) = tally([(t0, True)], 60, start, end, now=t0 + timedelta(seconds=90))
    assert whole.up_us == 90 * 10**6 and whole.down_us == 0
    assert whole.unknown_us == (30 * 86400 - 90) * 10**6
    assert april.ratio == 1.0


def test_a_result_before_the_period_counts_for_what_it_holds_into_it():
    start, end = at("2026-05-01T00:00+07:00"), at("2026-05-02T00:00+07:00")
    results = [(start - timedelta(minutes=4), False)]
    whole, _ = tally(results, 5 * MIN, start, end, now=end)
    assert whole.down_us == 11 * MIN * 10**6


def test_nothing_measured_has_no_ratio_and_every_month_is_listed():
    start, end = bangkok_span(datetime(2025, 12, 15).date(), datetime(2026, 2, 10).date())
    whole, months = tally([], 300, start, end, now=end)
    assert [m.label for m in months] == ["2025-12", "2026-01", "2026-02"]
    assert whole.ratio is None and all(m.ratio is None for m in months)
    assert months[0].start == at("2025-12-15T00:00+07:00") and months[-1].end == end
    assert sum(m.unknown_us for m in months) == whole.unknown_us == _us(end - start)


def test_days_are_bangkok_days():
    results = [(at("2026-06-01T23:50:00+07:00"), False), (at("2026-06-02T00:05:00+07:00"), True)]
    start, end = bangkok_span(datetime(2026, 6, 1).date(), datetime(2026, 6, 2).date())
    _, (d1, d2) = tally(results, 10 * MIN, start, end, now=end, by="day")
    assert (d1.label, d2.label) == ("2026-06-01", "2026-06-02")
    assert d1.down_us == 10 * MIN * 10**6 and d2.down_us == 5 * MIN * 10**6
    assert d2.up_us == 30 * MIN * 10**6
    assert [
        Day(datetime(2026, 6, 1).date(), d1.up_us, d1.down_us).state,
        Day(datetime(2026, 6, 2).date(), d2.up_us, d2.down_us).state,
    ] == ["down", "partly"]


def test_segments_hold_until_the_next_result():
    t0 = at("2026-01-01T00:00+07:00")
    rows = [(t0, True), (t0 + timedelta(seconds=30), False)]
    assert segments(rows, 60, now=t0 + timedelta(hours=1)) == [
        (t0, t0 + timedelta(seconds=30), True),
        (t0 + timedelta(seconds=30), t0 + timedelta(seconds=210), False),
    ]


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        tally([], 60, datetime(2026, 1, 1), datetime(2026, 1, 2), datetime(2026, 1, 2))


def test_percent_and_month_labels_in_thai_digits():
    assert percent(0.99861) == "๙๙.๘๖%"
    assert percent(0.999999) == "๙๙.๙๙%"  # never rounded up to 100
    assert percent(1.0) == "๑๐๐.๐๐%"
    assert percent(None) == "–"
    assert percent(0.5, thai=False) == "50.00%"
    assert month_label("2026-01") == "ม.ค. ๖๙"


def _us(delta: timedelta) -> int:
    return int(delta.total_seconds()) * 10**6
