from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lakthan.indicators.engines.scoring import (
    LevelGap,
    Scheme,
    SchemeError,
    levels_done_from_steps,
    next_level_gap,
    score,
    score_count,
    score_linear,
    score_milestone,
    weighted_score,
)

D = Decimal
SEED = Scheme("count", (1, 2, 3, 4, 5))  # indicator 9.2
UPTIME = Scheme("linear", (D("0"), D("10"), D("20"), D("30"), D("40")))
RESTORE_HOURS = Scheme("linear", (8, 6, 4, 2, 1), "lower")

# --- schemes -------------------------------------------------------------------------------------


def test_scheme_thresholds_become_decimals_and_round_trip_through_json():
    s = Scheme("linear", (99, "99.5", 99.9, D("99.95"), "99.99"))
    assert s.thresholds == (D("99"), D("99.5"), D("99.9"), D("99.95"), D("99.99"))
    assert all(type(t) is Decimal for t in s.thresholds)
    assert s.to_dict() == {
        "kind": "linear",
        "thresholds": ["99", "99.5", "99.9", "99.95", "99.99"],
        "direction": "higher",
    }
    assert Scheme.from_dict(s.to_dict()) == s


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "ratio", "thresholds": (1, 2, 3, 4, 5)}, "kind", "kind must be one of"),
        ({"kind": "count", "thresholds": (1, 2, 3, 4)}, "thresholds", "exactly 5 thresholds"),
        ({"kind": "linear", "thresholds": (1, 2, 3, 4, 5, 6)}, "thresholds", "exactly 5 thresholds"),
        ({"kind": "count", "thresholds": (1, 2, 2, 4, 5)}, "thresholds", "strictly increasing"),
        ({"kind": "count", "thresholds": (1, 2, 3.5, 4, 5)}, "thresholds", "whole numbers"),
        ({"kind": "count", "thresholds": (-1, 2, 3, 4, 5)}, "thresholds", "whole numbers"),
        ({"kind": "linear", "thresholds": (5, 4, 3, 2, 1)}, "thresholds", "strictly increasing"),
        (
            {"kind": "linear", "thresholds": (1, 2, 3, 4, 5), "direction": "lower"},
            "thresholds",
            "strictly decreasing",
        ),
        ({"kind": "linear", "thresholds": (1, 2, 3, 4, "NaN")}, "thresholds", "finite"),
        (
            {"kind": "linear", "thresholds": (1, 2, 3, 4, 5), "direction": "up"},
            "direction",
            "'higher' or 'lower'",
        ),
        (
            {"kind": "count", "thresholds": (1, 2, 3, 4, 5), "direction": "lower"},
            "direction",
            "only to linear",
        ),
        ({"kind": "milestone", "thresholds": (1, 2, 3, 4, 5)}, "thresholds", "no thresholds"),
    ],
)
def test_invalid_schemes_are_refused(kwargs, field, message):
    with pytest.raises(SchemeError, match=message) as info:
        Scheme(**kwargs)
    assert info.value.field == field


def test_non_monotonic_error_names_the_offending_threshold():
    with pytest.raises(SchemeError) as info:
        Scheme("linear", (10, 20, 30, 25, 50))
    assert info.value.index == 3


# --- count ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 5), (10, 5)]
)
def test_count_scoring_of_indicator_9_2(items, expected):
    result = score_count(SEED, items)
    assert result == expected
    assert isinstance(result, Decimal)


def test_count_with_uneven_thresholds_scores_the_highest_level_reached():
    s = Scheme("count", (2, 4, 6, 8, 10))
    assert [score_count(s, n) for n in range(12)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


@pytest.mark.parametrize("bad", [-1, True, 2.0, "3", None])
def test_count_refuses_what_is_not_a_count(bad):
    with pytest.raises(SchemeError):
        score_count(SEED, bad)


@given(st.integers(0, 50), st.integers(0, 50))
def test_count_is_monotonic_and_an_integer_level(a, b):
    lo, hi = sorted((a, b))
    assert score_count(SEED, lo) <= score_count(SEED, hi)
    assert score_count(SEED, a) == min(a, 5)


# --- milestone ------------------------------------------------------------------------------------


def test_milestone_is_the_highest_unbroken_level():
    assert score_milestone(set()) == 0
    assert score_milestone({1}) == 1
    assert score_milestone({1, 2, 4, 5}) == 2  # level 3 not done: 4 and 5 do not count
    assert score_milestone({2, 3, 4, 5}) == 0
    assert score_milestone({1, 2, 3, 4, 5}) == 5
    assert score_milestone({1: True, 2: True, 3: False, 4: True}) == 2
    assert score_milestone({1: False, 2: True}) == 0


@pytest.mark.parametrize("bad", [{0}, {6}, {1: True, 7: False}, {"1"}])
def test_milestone_levels_are_1_to_5(bad):
    with pytest.raises(SchemeError, match="1-5"):
        score_milestone(bad)


def test_levels_done_from_steps_needs_every_step_of_a_level():
    steps = [(1, True), (2, True), (2, False), (3, True)]
    assert levels_done_from_steps(steps) == {1: True, 2: False, 3: True}
    assert score_milestone(levels_done_from_steps(steps)) == 1


# --- linear ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-5", "1.0000"),
        ("0", "1.0000"),
        ("5", "1.5000"),
        ("10", "2.0000"),
        ("25", "3.5000"),
        ("40", "5.0000"),
        ("1000", "5.0000"),
        ("13.3333", "2.3333"),
    ],
)
def test_linear_interpolates_and_clamps(value, expected):
    result = score_linear(UPTIME, D(value))
    assert result == D(expected)
    assert result.as_tuple().exponent == -4


def test_linear_lower_is_better():
    assert score_linear(RESTORE_HOURS, 10) == 1
    assert score_linear(RESTORE_HOURS, 8) == 1
    assert score_linear(RESTORE_HOURS, 7) == D("1.5")
    assert score_linear(RESTORE_HOURS, D("1.5")) == D("4.5")
    assert score_linear(RESTORE_HOURS, D("0.5")) == 5


def test_linear_rounds_half_up_at_the_fifth_decimal():
    # 1 + 0.0005/10 = 1.00005 exactly; half-even would give 1.0000, half-up gives 1.0001.
    assert score_linear(UPTIME, D("0.0005")) == D("1.0001")
    assert score_linear(UPTIME, D("0.0025")) == D("1.0003")  # half-even: 1.0002
    assert score_linear(UPTIME, D("0.00049")) == D("1.0000")
    assert score_linear(RESTORE_HOURS, D("7.9999")) == D("1.0001")  # 1.00005 the other way round


@st.composite
def linear_schemes(draw):
    values = draw(
        st.lists(
            st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=3),
            min_size=5,
            max_size=5,
            unique=True,
        )
    )
    direction = draw(st.sampled_from(["higher", "lower"]))
    return Scheme("linear", tuple(sorted(values, reverse=direction == "lower")), direction)


values = st.decimals(
    min_value=-2 * 10**6, max_value=2 * 10**6, allow_nan=False, allow_infinity=False, places=4
)


@given(linear_schemes(), values, values)
def test_linear_is_monotonic_in_its_direction_and_within_1_to_5(scheme, a, b):
    lo, hi = sorted((a, b))
    s_lo, s_hi = score_linear(scheme, lo), score_linear(scheme, hi)
    assert 1 <= s_lo <= 5 and 1 <= s_hi <= 5
    if scheme.direction == "higher":
        assert s_lo <= s_hi
    else:
        assert s_lo >= s_hi


@given(linear_schemes())
def test_linear_is_exact_at_every_threshold(scheme):
    for level, threshold in enumerate(scheme.thresholds, start=1):
        assert score_linear(scheme, threshold) == level


@given(linear_schemes(), values)
def test_linear_has_at_most_4_decimals(scheme, v):
    assert score_linear(scheme, v).as_tuple().exponent == -4


# --- dispatch, weighting, gaps ----------------------------------------------------------------------


def test_score_dispatches_on_kind_and_refuses_the_wrong_input():
    assert score(SEED, items_met=4) == 4
    assert score(Scheme("milestone"), levels_done={1, 2, 3}) == 3
    assert score(UPTIME, value=D("25")) == D("3.5")
    with pytest.raises(SchemeError, match="items_met"):
        score(SEED, value=D("3"))
    with pytest.raises(SchemeError, match="items_met"):
        score(SEED, items_met=3, value=D("3"))
    with pytest.raises(SchemeError, match="value"):
        score(UPTIME)
    with pytest.raises(SchemeError, match="not count"):
        score_count(UPTIME, 3)


def test_weighted_score_of_the_seed_is_0_15():
    result = weighted_score(D(5), D(3))
    assert result == D("0.15") and str(result) == "0.15"
    assert str(weighted_score(D(5), D("3.00"))) == "0.15"  # weights come from the database with 2 places


def test_weighted_score_rounds_half_up_to_2_decimals():
    assert str(weighted_score(D("2.5"), 1)) == "0.03"  # 0.025; half-even would give 0.02
    assert str(weighted_score(D("3.3333"), 10)) == "0.33"
    assert str(weighted_score(D("4.1250"), 20)) == "0.83"  # 0.825
    assert str(weighted_score(0, 5)) == "0.00"
    with pytest.raises(SchemeError):
        weighted_score(D(5), D(-3))


def test_next_level_gap_for_counts():
    gap = next_level_gap(SEED, items_met=3)
    assert gap == LevelGap(next_level=4, items_more=1)
    assert str(gap) == "ต้องทำเพิ่มอีก 1 ข้อ เพื่อให้ได้ระดับ 4"
    assert next_level_gap(SEED, items_met=0) == LevelGap(next_level=1, items_more=1)
    assert next_level_gap(Scheme("count", (2, 4, 6, 8, 10)), items_met=5) == LevelGap(
        next_level=3, items_more=1
    )
    assert next_level_gap(SEED, items_met=5) is None
    assert next_level_gap(SEED, items_met=10) is None


def test_next_level_gap_for_linear_and_milestone():
    gap = next_level_gap(UPTIME, value=D("25"))
    assert (gap.next_level, gap.value_needed) == (4, D("30"))
    assert "at least 30" in gap.message_en
    assert next_level_gap(UPTIME, value=D("-3")).value_needed == D("10")  # clamped to level 1: next is 2
    lower = next_level_gap(RESTORE_HOURS, value=D("5"))
    assert (lower.next_level, lower.value_needed, lower.direction) == (3, D("4"), "lower")
    assert "ไม่เกิน 4" in lower.message_th
    assert next_level_gap(UPTIME, value=D("40")) is None
    ms = next_level_gap(Scheme("milestone"), levels_done={1, 2, 4})
    assert (ms.next_level, ms.level_to_complete) == (3, 3)
    assert next_level_gap(Scheme("milestone"), levels_done={1, 2, 3, 4, 5}) is None


@given(linear_schemes(), values)
def test_the_value_a_gap_asks_for_does_reach_the_next_level(scheme, v):
    gap = next_level_gap(scheme, value=v)
    assume(gap is not None)
    assert score_linear(scheme, gap.value_needed) == gap.next_level
    assert score_linear(scheme, v) < gap.next_level
