"""Policy windows in Asia/Bangkok, without Django or restic."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from lakthan.backups.engines import calendar_picture as pic
from lakthan.backups.engines import compliance as c
from lakthan.backups.engines.restic import Restic, parse_time, parse_version

INTRANET = c.Policy.default("intranet")
INTERNET = c.Policy.default("internet")
FY56 = (date(2012, 10, 1), date(2013, 9, 30))
LATER = date(2020, 1, 1)


def twice_weekly(start: date, end: date, skip: dict[date, int] | None = None) -> list[date]:
    """Monday and Thursday of every ISO week; ``skip`` maps a week's Monday to how many to drop."""
    skip = skip or {}
    days, monday = [], start - timedelta(days=start.weekday())
    while monday <= end:
        week = [monday, monday + timedelta(days=3)]
        days += week[skip.get(monday, 0) :]
        monday += timedelta(days=7)
    return days


def test_sunday_2330_utc_is_monday_in_bangkok_and_counts_in_the_next_week():
    sunday_night = datetime(2013, 1, 6, 23, 30, tzinfo=UTC)
    assert c.bangkok_day(sunday_night) == date(2013, 1, 7)
    days = [c.bangkok_day(sunday_night), date(2013, 1, 3)]  # + Thursday of the week before
    result = c.compute(INTRANET, days, date(2012, 12, 31), date(2013, 1, 13), today=LATER)
    by_start = {w.start: w for w in result.windows}
    assert by_start[date(2012, 12, 31)].actual == 1  # the Sunday-night backup is not here…
    assert by_start[date(2013, 1, 7)].actual == 1  # …but here
    assert [w.start for w in result.missed] == [date(2012, 12, 31), date(2013, 1, 7)]


def test_fiscal_year_with_known_missed_windows():
    days = twice_weekly(*FY56, skip={date(2013, 1, 14): 1, date(2013, 4, 15): 2})
    result = c.compute(INTRANET, days, *FY56, today=LATER)
    assert len(result.windows) == 53  # Mon 1 Oct 2012 … the week of Mon 30 Sep 2013
    assert [(w.start, w.end, w.actual) for w in result.missed] == [
        (date(2013, 1, 14), date(2013, 1, 20), 1),
        (date(2013, 4, 15), date(2013, 4, 21), 0),
    ]
    assert result.percent_met == round(100 * 51 / 53, 1)
    j = result.as_json("pibics")
    assert j["policy"] == {"class": "intranet", "min_per_window": 2, "window": "iso_week"}
    assert j["missed"] == [
        {"start": "2013-01-14", "end": "2013-01-20", "actual": 1},
        {"start": "2013-04-15", "end": "2013-04-21", "actual": 0},
    ]
    assert set(j["windows"][0]) == {"start", "end", "required", "actual", "met"}


def test_week_crossing_the_fiscal_year_boundary_is_judged_whole_in_both_years():
    # FY 2556 ends on Monday 30 Sep 2013; its last ISO week runs to Sunday 6 Oct (FY 2557)
    days = [date(2013, 9, 30), date(2013, 10, 3)]
    fy56 = c.compute(INTRANET, days, *FY56, today=LATER)
    fy57 = c.compute(INTRANET, days, date(2013, 10, 1), date(2014, 9, 30), today=LATER)
    last, first = fy56.windows[-1], fy57.windows[0]
    assert (last.start, last.end) == (first.start, first.end) == (date(2013, 9, 30), date(2013, 10, 6))
    assert last.actual == first.actual == 2 and last.met and first.met
    # and the October backup alone would not have met it in either year
    only_oct = c.compute(INTRANET, [date(2013, 10, 3)], *FY56, today=LATER)
    assert only_oct.windows[-1].state == "missed"


def test_monthly_policy_names_the_missed_month_and_leaves_running_windows_open():
    days = [date(2012, 10, 3), date(2012, 12, 31), date(2013, 2, 1)]
    result = c.compute(INTERNET, days, date(2012, 10, 1), date(2013, 2, 28), today=date(2013, 2, 10))
    assert [w.state for w in result.windows] == ["met", "missed", "met", "missed", "met"]
    result = c.compute(INTERNET, days[:2], date(2012, 10, 1), date(2013, 2, 28), today=date(2013, 2, 10))
    assert result.windows[-1].state == "open"
    assert result.percent_met == 50.0  # open windows are not judged


def test_windows_before_the_system_came_into_service_are_left_out():
    result = c.compute(INTRANET, [], *FY56, today=LATER, in_service_from=date(2013, 9, 1))
    assert result.windows[0].start == date(2013, 8, 26)  # the week holding 1 Sep
    assert len(result.missed) == 6


def test_window_at_risk_on_the_last_day():
    sunday = date(2013, 1, 13)
    assert c.at_risk(INTRANET, [date(2013, 1, 8)], sunday) is not None
    assert c.at_risk(INTRANET, [date(2013, 1, 8), date(2013, 1, 9)], sunday) is None
    assert c.at_risk(INTRANET, [], date(2013, 1, 7)) is None  # Monday: a whole week left


def test_bad_policies_are_refused():
    with pytest.raises(ValueError):
        c.Policy("intranet", 0, "iso_week")
    with pytest.raises(ValueError):
        c.Policy("intranet", 1, "fortnight")


def test_restic_times_and_versions():
    assert parse_time("2012-10-07T23:30:00Z") == datetime(2012, 10, 7, 23, 30, tzinfo=UTC)
    assert parse_time("2026-11-24T08:33:44.460057322+07:00") == datetime(
        2026, 11, 24, 1, 33, 44, 460057, tzinfo=UTC
    )
    old, new = parse_version("restic 0.14.0 compiled with go1.19.8"), parse_version("restic 0.17.3 compiled")
    assert not old.exit_codes and not old.check_json and new.exit_codes


def test_failures_are_told_apart_by_stderr_on_0_14(tmp_path):
    r = Restic(tmp_path)
    assert str(r.version).startswith("0.14")
    assert r.classify(1, "Fatal: wrong password or no key found\n") == "wrong_password"
    assert (
        r.classify(1, "unable to create lock in backend: repository is already locked exclusively by PID 7")
        == "locked"
    )
    assert (
        r.classify(
            1, "Fatal: unable to open config file: stat …\nIs there a repository at the following location?"
        )
        == "no_repository"
    )
    assert r.classify(1, "Fatal: something else") == "failed"
    assert r.classify(3, "Warning: at least one source file could not be read") is None


def test_calendar_marks_missed_windows():
    start, end = date(2013, 1, 1), date(2013, 3, 31)
    rows = [
        pic.Row("ok", {start + timedelta(days=i) for i in range(0, 90, 3)}),
        pic.Row("late", {date(2013, 1, 2)}, missed=[(date(2013, 2, 1), date(2013, 2, 28))], note="33 %"),
    ]
    cal = pic.Calendar("ปฏิทิน", start, end, rows)
    svg = pic.to_svg(cal)
    assert svg.count("<title>2013-02-01 – 2013-02-28</title>") == 1
    assert svg.count(pic.COLOURS["missed"]) >= 1
    png = Image.open(io.BytesIO(pic.to_png(cal, scale=1))).convert("RGB")
    assert png.size == (cal.width, cal.height)
    y_missed = pic.HEADER_H + pic.ROW_H + pic.ROW_H // 2
    y_ok = pic.HEADER_H + pic.ROW_H // 2
    feb = pic.LABEL_W + (date(2013, 2, 10) - start).days * pic.CELL + 1
    assert png.getpixel((feb, y_missed)) == (0xF3, 0xB3, 0xB3)  # missed: red
    assert png.getpixel((feb, y_ok)) != (0xF3, 0xB3, 0xB3)
