"""The freshness engine: the judgment at its boundary, and the time-weighted share of a period in which
a dataset was current, by hand and against a minute-by-minute reference built on ``judge`` itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lakthan.data.engines.freshness import CURRENT, LATE, UNKNOWN, judge, tally

T0 = datetime(2026, 1, 1, tzinfo=UTC)
H = 3600
DAY = 86400


def test_the_judgment_at_the_exact_boundary():
    # age == every_s is current; one second more is late by one second
    assert judge(T0, DAY, T0 + timedelta(seconds=DAY)) == (False, 0)
    assert judge(T0, DAY, T0 + timedelta(seconds=DAY + 1)) == (True, 1)
    assert judge(T0, 60, T0 + timedelta(hours=2)) == (True, 7140)


def test_an_update_in_the_future_is_current_never_negative():
    assert judge(T0 + timedelta(hours=5), H, T0) == (False, 0)


def test_a_late_spell_between_two_readings():
    # every 1 h; read at 0 (updated at 0), read at 3 h (updated at 2.5 h); period [0, 4 h)
    t = tally([(0, 0), (3 * H, 2.5 * H)], H, 0, 4 * H)
    # current to 1 h, late until the update at 2.5 h (which the reading at 3 h reveals), current to
    # 2.5 h + 1 h, late after
    assert t.segments == (
        (0, H, CURRENT),
        (H, 2.5 * H, LATE),
        (2.5 * H, 3.5 * H, CURRENT),
        (3.5 * H, 4 * H, LATE),
    )
    assert (t.current_s, t.late_s, t.unknown_s) == (2 * H, 2 * H, 0)
    assert t.ratio == 0.5
    assert t.late_spans == [(H, 2.5 * H), (3.5 * H, 4 * H)]


def test_the_data_turns_late_between_readings_not_only_at_a_reading():
    # one reading at 0 finding an update 30 min old; every 1 h: current until 30 min, late after
    t = tally([(0, -1800)], H, 0, 2 * H)
    assert t.segments == ((0, 1800, CURRENT), (1800, 2 * H, LATE))
    assert t.ratio == 1800 / (2 * H)


def test_time_before_the_first_reading_is_unknown_and_left_out():
    t = tally([(H, H)], H, 0, 3 * H)
    assert t.segments == ((0, H, UNKNOWN), (H, 2 * H, CURRENT), (2 * H, 3 * H, LATE))
    assert t.unknown_s == H and t.ratio == 0.5
    assert t.unknown_spans == [(0, H)]


def test_a_failed_read_carries_the_last_known_update_forward():
    # read ok at 0 (updated at 0), failed at 30 min, failed at 90 min; every 1 h
    t = tally([(0, 0), (1800, None), (5400, None)], H, 0, 2 * H)
    assert t.segments == ((0, H, CURRENT), (H, 2 * H, LATE))
    # failed reads only: nothing is known
    only_failed = tally([(0, None), (H, None)], H, 0, 2 * H)
    assert only_failed.segments == ((0, 2 * H, UNKNOWN),) and only_failed.ratio is None


def test_a_reading_before_the_period_gives_the_state_at_its_start():
    # read at −2 h finding an update at −1.5 h, every 1 h: late from −0.5 h, so the whole period late
    t = tally([(-2 * H, -1.5 * H), (2 * H, 2 * H)], H, 0, 3 * H)
    assert t.segments == ((0, 2 * H, LATE), (2 * H, 3 * H, CURRENT))
    # readings at or after the end are ignored
    assert tally([(0, 0), (H, None), (5 * H, 5 * H)], DAY, 0, H).segments == ((0, H, CURRENT),)


def test_an_update_revealed_by_a_later_reading_counts_from_when_it_was_made():
    # updated every day at 02:00, read every day at 08:00, expected daily: current the whole time
    readings = [(d * DAY + 8 * H, d * DAY + 2 * H) for d in range(5)]
    t = tally(readings, DAY, 8 * H, 4 * DAY + 12 * H)
    assert t.segments == ((8 * H, 4 * DAY + 12 * H, CURRENT),) and t.ratio == 1.0
    # the same with a day missed: late from 02:00 on the third day to the update of the fourth
    del readings[2]  # no update on the third day (nor its reading)
    missed = tally([(0, None), *readings], DAY, 8 * H, 4 * DAY + 12 * H)
    assert missed.late_spans == [(2 * DAY + 2 * H, 3 * DAY + 2 * H)]


def test_an_update_in_the_future_keeps_the_data_current_until_it_plus_the_interval():
    t = tally([(0, 2 * H)], H, 0, 4 * H)
    assert t.segments == ((0, 3 * H, CURRENT), (3 * H, 4 * H, LATE))


def test_an_empty_or_inverted_period_has_no_share():
    assert tally([(0, 0)], H, 5, 5).ratio is None
    assert tally([], H, 0, H).segments == ((0, H, UNKNOWN),)


def _reference(readings, every_s, start, end):
    """Minute by minute, each minute judged at its middle: unknown before the first reading that read an
    update; current when some update read was made by then (at the latest at its reading) and ``judge``
    finds it current then; late otherwise."""
    read = [(at, last) for at, last in readings if at < end and last is not None]
    seconds = {CURRENT: 0, LATE: 0, UNKNOWN: 0}
    late_minutes = []
    for m in range(start, end, 60):
        t = m + 30
        if not any(at <= t for at, _ in read):
            state = UNKNOWN
        elif any(
            min(last, at) <= t
            and not judge(T0 + timedelta(seconds=last), every_s, T0 + timedelta(seconds=t))[0]
            for at, last in read
        ):
            state = CURRENT
        else:
            state = LATE
        seconds[state] += 60
        if state == LATE:
            late_minutes.append(m)
    spans: list[list[int]] = []
    for m in late_minutes:
        if spans and spans[-1][1] == m:
            spans[-1][1] = m + 60
        else:
            spans.append([m, m + 60])
    return seconds, [tuple(s) for s in spans]


minutes = st.integers(min_value=-120, max_value=600).map(lambda m: m * 60)


@st.composite
def histories(draw):
    ats = draw(st.lists(minutes, max_size=12, unique=True))
    readings = [
        (at, None if draw(st.booleans()) and draw(st.booleans()) else at + draw(st.integers(-300, 60)) * 60)
        for at in ats
    ]
    every_s = draw(st.integers(min_value=1, max_value=240)) * 60
    start = draw(st.integers(min_value=-60, max_value=400)) * 60
    end = start + draw(st.integers(min_value=1, max_value=300)) * 60
    return readings, every_s, start, end


@settings(max_examples=300, deadline=None)
@given(histories())
def test_the_share_matches_a_minute_by_minute_reference(case):
    readings, every_s, start, end = case
    t = tally(readings, every_s, start, end)
    seconds, spans = _reference(readings, every_s, start, end)
    assert (t.current_s, t.late_s, t.unknown_s) == (seconds[CURRENT], seconds[LATE], seconds[UNKNOWN])
    assert t.late_spans == spans
    known = seconds[CURRENT] + seconds[LATE]
    assert t.ratio == (None if known == 0 else seconds[CURRENT] / known)
    # the segments tile the period without gaps or overlaps
    assert t.segments[0][0] == start and t.segments[-1][1] == end
    assert all(a[1] == b[0] and a[2] != b[2] for a, b in zip(t.segments, t.segments[1:], strict=False))
