"""The shipped Thai government calendar, a calendar loaded as data (refused whole with every bad line
named, nothing stored), and the calendar in force (the shipped one until an agency loads its own)."""

from __future__ import annotations

from datetime import date

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.problems.engines.work_calendar import CalendarRejected, load_shipped, parse_calendar

YEARS = range(2012, 2028)


@pytest.fixture(scope="module")
def shipped():
    return load_shipped()


def test_the_shipped_calendar_has_thai_office_hours_monday_to_friday(shipped):
    cal = shipped.calendar
    assert (cal.office_start.isoformat(), cal.office_end.isoformat()) == ("08:30:00", "16:30:00")
    assert cal.workdays == frozenset(range(5))
    assert shipped.name == "th-government"


def test_every_year_2555_to_2570_has_the_fixed_public_holidays(shipped):
    names = shipped.names()
    for year in YEARS:
        for month, day, th in (
            (1, 1, "วันขึ้นปีใหม่"),
            (4, 6, "จักรี"),
            (10, 23, "วันปิยมหาราช"),
            (12, 5, "วันพ่อแห่งชาติ"),
            (12, 10, "วันรัฐธรรมนูญ"),
            (12, 31, "วันสิ้นปี"),
            (8, 12, "วันแม่แห่งชาติ"),
        ):
            holiday = names.get(date(year, month, day))
            assert holiday is not None and th in holiday.name_th, (year, month, day)
            assert holiday.name_en


def test_songkran_is_13_to_15_april_every_year_but_2563_when_the_cabinet_moved_it(shipped):
    names = shipped.names()
    for year in YEARS:
        days = [date(year, 4, d) for d in (13, 14, 15)]
        if year == 2020:
            assert not any(d in names for d in days)
            moved = [d for d, h in names.items() if d.year == 2020 and "สงกรานต์" in h.name_th]
            assert moved == [date(2020, 7, 27), date(2020, 9, 4), date(2020, 9, 7)]
            assert all(names[d].name_th == "วันหยุดชดเชยวันสงกรานต์" for d in moved)
        else:
            assert all(names[d].name_th == "วันสงกรานต์" for d in days), year


def test_the_kings_birthday_28_july_from_2560_and_the_queens_3_june_from_2562(shipped):
    names = shipped.names()
    for year in YEARS:
        assert (date(year, 7, 28) in names) == (year >= 2017), year
        if year >= 2019:
            assert "สุทิดา" in names[date(year, 6, 3)].name_th or year == 2023  # 2566: with Visakha Bucha
    assert "สุทิดา" in names[date(2023, 6, 3)].name_th


def test_substitution_days_fall_on_weekdays_and_follow_a_weekend_holiday(shipped):
    names = shipped.names()
    substitutes = [d for d, h in names.items() if h.name_th.startswith("วันหยุดชดเชย")]
    assert len(substitutes) > 30
    assert all(d.weekday() < 5 for d in substitutes)
    # Songkran 2556 fell on Saturday–Monday: Tuesday 16 April is its substitution day
    assert names[date(2013, 4, 16)].name_th == "วันหยุดชดเชยวันสงกรานต์"
    assert names[date(2013, 4, 16)].name_en == "Substitution holiday for Songkran Festival"


def test_the_cabinets_special_holidays_are_in(shipped):
    names = shipped.names()
    special = "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ (มติคณะรัฐมนตรี)"
    for day in (
        date(2013, 12, 30),
        date(2020, 11, 19),
        date(2020, 11, 20),
        date(2024, 12, 30),
        date(2026, 1, 2),
    ):
        assert names[day].name_th == special, day
    assert "ถวายพระเพลิง" in names[date(2017, 10, 26)].name_th


def test_days_that_are_not_days_off_for_government_offices_are_left_out(shipped):
    names = shipped.names()
    assert date(2013, 5, 1) not in names  # National Labour Day: private sector and banks only
    assert date(2013, 1, 12) not in names  # Children's Day: a Saturday observance
    assert names[date(2013, 5, 13)].name_th == "วันพืชมงคล"  # a government holiday


BAD = """name: office
office_hours: {start: "8:30", end: "07:00"}
workdays: [mon, funday]
holidays:
  - {day: 2013-02-30, th: x}
  - {day: 2013-04-13}
  - {day: 2013-04-13, th: y, colour: red}
"""


def test_a_bad_calendar_names_every_problem_by_its_line():
    with pytest.raises(CalendarRejected) as caught:
        parse_calendar(BAD.encode())
    lines = [line for line, _, _ in caught.value.problems]
    assert lines == [2, 3, 5, 6, 7, 7]
    en = caught.value.message_en
    assert "line 2: office hours must end after they start" in en
    assert "line 3: unknown day funday" in en
    assert "line 5: bad day 2013-02-30" in en
    assert "line 6: th is missing" in en
    assert "line 7: unknown field colour" in en
    assert "line 7: day 2013-04-13 is also on line 6" in en
    assert "บรรทัด 3: ไม่รู้จักวัน funday" in caught.value.message_th


def test_a_file_that_is_not_yaml_or_lacks_its_parts_is_refused():
    with pytest.raises(CalendarRejected, match="line 3: bad YAML"):
        parse_calendar(b"name: x\nholidays: [\n")
    with pytest.raises(CalendarRejected) as caught:
        parse_calendar(b"name: x\n")
    assert "office_hours is missing" in caught.value.message_en
    assert "workdays is missing" in caught.value.message_en


def test_loading_a_bad_calendar_stores_nothing_and_names_the_file(db):
    from lakthan.problems.models import Holiday, WorkCalendar
    from lakthan.problems.services import sla

    with pytest.raises(InvalidInput) as caught:
        sla.load_calendar(BAD, "agency-2570.yaml", actor="test")
    assert caught.value.message_en.startswith("agency-2570.yaml: line 2:")
    assert not WorkCalendar.objects.exists() and not Holiday.objects.exists()


def test_the_shipped_calendar_is_in_force_until_one_is_loaded(db):
    from lakthan.core.models import AuditEntry
    from lakthan.problems.models import Holiday
    from lakthan.problems.services import sla

    from .sla_fixtures import bkk

    assert date(2013, 4, 16) in sla.calendar_in_force().holidays
    assert sla.calendar_info(2013)["source"] == "shipped"
    own = """name: agency
title_th: ปฏิทินของหน่วยงาน
office_hours: {start: "09:00", end: "17:00"}
workdays: [mon, tue, wed, thu, fri]
holidays:
  - {day: 2013-04-15, th: วันสงกรานต์, en: Songkran Festival}
"""
    row = sla.load_calendar(own, "agency.yaml", actor="สมชาย")
    assert (row.name, row.loaded_by, row.workdays) == ("agency", "สมชาย", "0,1,2,3,4")
    assert list(Holiday.objects.filter(calendar=row).values_list("day", "name_th")) == [
        (date(2013, 4, 15), "วันสงกรานต์")
    ]
    in_force = sla.calendar_in_force()
    assert in_force.holidays == frozenset({date(2013, 4, 15)})
    assert in_force.office_start.hour == 9
    assert sla.calendar_info()["holidays"] == [
        {"day": "2013-04-15", "name_th": "วันสงกรานต์", "name_en": "Songkran Festival"}
    ]
    # Fri 12 Apr 16:00 + 2 office hours: 1 h Friday, Monday 15 off, 1 h Tuesday from 09:00
    sla.set_target(2, 2, business_hours=True, actor="test")
    terms = sla.terms_for(2, bkk("2013-04-12 16:00"))
    assert terms is not None and terms.due_at == bkk("2013-04-16 10:00")
    entry = AuditEntry.objects.get(action="problem.calendar_load")
    assert entry.actor == "สมชาย" and entry.after["holidays"] == 1 and entry.after["source"] == "agency.yaml"
