from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from lakthan.lib import thai


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ตัวชี้วัดที่ 9.2", "ตัวชี้วัดที่ ๙.๒"),
        (2556, "๒๕๕๖"),
        (Decimal("0.15"), "๐.๑๕"),
        ("0 2287 3101-10 ต่อ 2242", "๐ ๒๒๘๗ ๓๑๐๑-๑๐ ต่อ ๒๒๔๒"),
        ("ไม่มีตัวเลข", "ไม่มีตัวเลข"),
        ("", ""),
        ("โฮสต์ inv-fs01 เงียบ 14 วัน", "โฮสต์ inv-fs01 เงียบ ๑๔ วัน"),
        ("SHA-256 ของไฟล์ backup-2013.tar ครบ 3 ชุด", "SHA-256 ของไฟล์ backup-2013.tar ครบ ๓ ชุด"),
        ("เลขที่ 10.1.2.3/24", "เลขที่ ๑๐.๑.๒.๓/๒๔"),
    ],
)
def test_thai_digits(value, expected):
    assert thai.thai_digits(value) == expected


def test_digits_converts_both_ways():
    assert thai.digits("ข้อ ๑๐ และ 3", thai=False) == "ข้อ 10 และ 3"
    assert thai.digits("ข้อ ๑๐ และ 3", thai=True) == "ข้อ ๑๐ และ ๓"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("0.145"), 2, "๐.๑๕"),  # half-up, where banker's rounding gives 0.14
        (Decimal("0.125"), 2, "๐.๑๓"),
        (0.145, 2, "๐.๑๕"),  # a float is read through str(), not its binary value 0.14499…
        (Decimal("2.5"), 0, "๓"),
        (Decimal("-2.5"), 0, "-๓"),
        (Decimal("4.27775"), 4, "๔.๒๗๗๘"),
        (Decimal("0.15"), None, "๐.๑๕"),
        (5, None, "๕"),
        (Decimal("3"), 2, "๓.๐๐"),
    ],
)
def test_format_number_half_up(value, places, expected):
    assert thai.format_number(value, thai=True, places=places) == expected


def test_format_number_arabic_and_grouping():
    assert thai.format_number(Decimal("0.145"), thai=False, places=2) == "0.15"
    assert thai.format_number(Decimal("1E+1"), thai=False) == "10"  # never exponent notation
    assert thai.format_number(1234567.891, thai=True, places=2, grouping=True) == "๑,๒๓๔,๕๖๗.๘๙"


def test_buddhist_era_years():
    assert thai.be_year(2013) == 2556
    assert thai.ce_year(2556) == 2013
    assert thai.ce_year(thai.be_year(1999)) == 1999


def test_format_date_short_and_long():
    d = date(2013, 7, 11)
    assert thai.format_date(d) == "๑๑ ก.ค. ๒๕๕๖"
    assert thai.format_date(d, style="long") == "๑๑ กรกฎาคม ๒๕๕๖"
    assert thai.format_date(d, thai_digits=False) == "11 ก.ค. 2556"
    assert thai.format_date(date(2012, 10, 1), style="long") == "๑ ตุลาคม ๒๕๕๕"


def test_dates_are_shown_in_bangkok_time():
    # 20:30 UTC on 10 July is 03:30 on 11 July in Bangkok (UTC+7).
    late = datetime(2013, 7, 10, 20, 30, tzinfo=UTC)
    assert thai.format_date(late) == "๑๑ ก.ค. ๒๕๕๖"
    assert thai.format_datetime(late) == "๑๑ ก.ค. ๒๕๕๖ ๐๓:๓๐ น."
    assert thai.format_datetime(late, style="long", thai_digits=False) == "11 กรกฎาคม 2556 03:30 น."
    other_zone = datetime(2013, 7, 11, 3, 30, tzinfo=timezone(timedelta(hours=7)))
    assert thai.format_datetime(other_zone) == "๑๑ ก.ค. ๒๕๕๖ ๐๓:๓๐ น."


def test_naive_datetime_is_taken_as_local():
    assert thai.format_datetime(datetime(2013, 9, 30, 23, 59)) == "๓๐ ก.ย. ๒๕๕๖ ๒๓:๕๙ น."


def test_english_formatters_use_ce_years():
    assert thai.format_date_en(date(2013, 7, 11)) == "11 Jul 2013"
    assert thai.format_date_en(date(2013, 9, 1), style="long") == "1 September 2013"
    assert thai.format_datetime_en(datetime(2013, 7, 10, 20, 30, tzinfo=UTC)) == "11 Jul 2013 03:30"


def test_format_span_gives_be_dates_for_ranges_and_single_days():
    from datetime import date

    from lakthan.lib.thai import format_span

    assert format_span("2013-01-14", "2013-01-20") == "14 ม.ค. 2556 – 20 ม.ค. 2556"
    assert format_span(date(2013, 8, 12), date(2013, 8, 12)) == "12 ส.ค. 2556"
    assert format_span("2012-10-01", "2013-09-30", thai_digits=True) == "๑ ต.ค. ๒๕๕๕ – ๓๐ ก.ย. ๒๕๕๖"


def test_numeric_dates_carry_the_buddhist_era_year():
    from lakthan.lib.thai import format_date_numeric

    assert format_date_numeric(date(2013, 7, 1)) == "01/07/2556"
    assert format_date_numeric(date(2013, 7, 1), thai_digits=True) == "๐๑/๐๗/๒๕๕๖"


def test_the_bangkok_zone_is_seven_hours_ahead_all_year():
    from lakthan.lib.timezones import BANGKOK

    for month in (1, 7):
        assert datetime(2013, month, 1, tzinfo=BANGKOK).utcoffset() == timedelta(hours=7)
