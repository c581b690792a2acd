"""Dates typed by a person: day/month/B.E. year in Thai, ISO in English (lakthan.core.dayfield)."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.utils import translation

from lakthan.core.dayfield import DayField, day_input_value, parse_day
from lakthan.core.errors import InvalidInput
from lakthan.lib.thai import format_date_numeric, parse_date_numeric


@pytest.mark.parametrize("text", ["04/12/2569", "4/12/2569", "๐๔/๑๒/๒๕๖๙", " 04 / 12 / 2569 ", "2026-12-04"])
def test_the_thai_ui_reads_buddhist_era_days_and_iso(text):
    assert parse_day(text, "วันที่", "date", language="th") == date(2026, 12, 4)


@pytest.mark.parametrize("text", ["04/12/2026", "31/02/2569", "2569-12-04", "4 ธ.ค. 2569", "12/2569"])
def test_the_thai_ui_refuses_what_is_not_a_buddhist_era_day(text):
    with pytest.raises(InvalidInput) as caught:
        parse_day(text, "วันหมดอายุ", "expiry date", language="th")
    assert caught.value.message("th").startswith("วันหมดอายุไม่ถูกต้อง")
    assert "04/12/2569" in caught.value.message("th") and "YYYY-MM-DD" in caught.value.message("en")


def test_the_english_ui_takes_iso_only():
    assert parse_day("2026-12-04", "วันที่", "date", language="en") == date(2026, 12, 4)
    with pytest.raises(InvalidInput):
        parse_day("04/12/2569", "วันที่", "date", language="en")
    assert parse_day("  ", "วันที่", "date", language="en") is None


def test_the_input_shows_the_day_as_it_is_typed_back():
    day = date(2026, 12, 4)
    assert day_input_value(day, "th") == "04/12/2569" == format_date_numeric(day)
    assert day_input_value(day, "en") == "2026-12-04"
    assert parse_date_numeric(day_input_value(day, "th")) == day


def test_day_field_in_a_form_in_each_language():
    class Form(forms.Form):
        expiry = DayField(label_th="วันหมดอายุ", label_en="expiry date", required=False)

    with translation.override("th"):
        form = Form({"expiry": "31/03/2570"})
        assert form.is_valid() and form.cleaned_data["expiry"] == date(2027, 3, 31)
        bad = Form({"expiry": "31/03/2027"})
        assert not bad.is_valid() and bad.errors["expiry"][0].startswith("วันหมดอายุไม่ถูกต้อง")
        html = str(Form(initial={"expiry": date(2027, 3, 31)})["expiry"])
        assert 'value="31/03/2570"' in html and 'placeholder="วว/ดด/ปปปป (พ.ศ.)"' in html
    with translation.override("en"):
        assert 'value="2027-03-31"' in str(Form(initial={"expiry": date(2027, 3, 31)})["expiry"])


def test_a_typed_time_is_a_day_and_a_wall_clock_time_in_bangkok():
    from datetime import UTC, datetime

    from lakthan.core.dayfield import parse_typed_instant

    with translation.override("th"):
        expected = datetime(2013, 1, 15, 2, 30, tzinfo=UTC)
        assert parse_typed_instant("15/01/2556 09:30", "เวลา", "time") == expected
        assert parse_typed_instant("๑๕/๐๑/๒๕๕๖ ๐๙.๓๐ น.", "เวลา", "time") == expected
        assert parse_typed_instant("2013-01-15T09:30+07:00", "เวลา", "time") == expected
        assert parse_typed_instant("2013-01-15 02:30Z", "เวลา", "time") == expected
        assert parse_typed_instant("", "เวลา", "time") is None
        with pytest.raises(InvalidInput) as caught:
            parse_typed_instant("15/01/2556 25:30", "เวลาประชุม", "meeting time")
        assert caught.value.message_th.startswith("เวลาประชุมไม่ถูกต้อง (15/01/2556 25:30)")
