from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakthan.indicators.engines.periods import fiscal_year_bounds, fiscal_year_of, round_bounds


def test_fiscal_year_2556_is_the_seeds_year():
    assert fiscal_year_bounds(2556) == (date(2012, 10, 1), date(2013, 9, 30))


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2012, 9, 30), 2555),
        (date(2012, 10, 1), 2556),
        (date(2012, 12, 31), 2556),
        (date(2013, 1, 1), 2556),
        (date(2013, 9, 30), 2556),
        (date(2013, 10, 1), 2557),
    ],
)
def test_fiscal_year_of_at_the_boundaries(d, fy):
    assert fiscal_year_of(d) == fy


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_day_falls_inside_its_fiscal_year(d):
    start, end = fiscal_year_bounds(fiscal_year_of(d))
    assert start <= d <= end


@given(st.integers(min_value=2400, max_value=2700))
def test_fiscal_years_are_contiguous_and_a_year_long(fy):
    start, end = fiscal_year_bounds(fy)
    next_start, _ = fiscal_year_bounds(fy + 1)
    assert next_start == end + timedelta(days=1)
    assert (end - start).days + 1 in (365, 366)
    assert fiscal_year_of(start) == fiscal_year_of(end) == fy


def test_rounds_of_fy_2556():
    assert round_bounds(2556, 6) == (date(2012, 10, 1), date(2013, 3, 31))
    assert round_bounds(2556, 9) == (date(2012, 10, 1), date(2013, 6, 30))
    assert round_bounds(2556, 12) == fiscal_year_bounds(2556)


def test_leap_year_rounds():
    # FY 2567 = Oct 2023 - Sep 2024 contains 29 Feb 2024.
    start, end = round_bounds(2567, 6)
    assert (start, end) == (date(2023, 10, 1), date(2024, 3, 31))
    assert (end - start).days + 1 == 183
    assert (round_bounds(2566, 6)[1] - round_bounds(2566, 6)[0]).days + 1 == 182
    start, end = round_bounds(2567, 12)
    assert (end - start).days + 1 == 366
    assert start <= date(2024, 2, 29) <= end


@pytest.mark.parametrize("months", [0, 3, 7, 13, -6, "6", 6.0, True, None])
def test_other_round_lengths_are_refused(months):
    with pytest.raises(ValueError, match="6, 9 or 12 months"):
        round_bounds(2556, months)


def test_aware_datetimes_are_read_in_bangkok():
    # 30 Sep 2013 17:30 UTC is 1 Oct 2013 00:30 in Bangkok: already FY 2557.
    assert fiscal_year_of(datetime(2013, 9, 30, 17, 30, tzinfo=UTC)) == 2557
    assert fiscal_year_of(datetime(2013, 9, 30, 16, 59, tzinfo=UTC)) == 2556
    assert fiscal_year_of(datetime(2013, 10, 1, 0, 30, tzinfo=timezone(timedelta(hours=7)))) == 2557


def test_naive_datetimes_and_bad_years_are_refused():
    with pytest.raises(ValueError, match="naive"):
        fiscal_year_of(datetime(2013, 9, 30, 23, 0))
    with pytest.raises(TypeError):
        fiscal_year_of("2013-09-30")
    with pytest.raises(TypeError, match="B.E."):
        fiscal_year_bounds("2556")
    with pytest.raises(ValueError, match="B.E."):
        fiscal_year_bounds(500)
