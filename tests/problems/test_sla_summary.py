"""The summary of a unit's problems against their service levels, on problems made by hand: within,
breached after closing, open past due, open not yet due, without SLA, cancelled; the median time to
fix in each problem's own counting (business seconds for a business-hours SLA); Bangkok months."""

from __future__ import annotations

from datetime import date

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.problems.models import Problem
from lakthan.problems.services.sla_summary import sla_summary

from .sla_fixtures import bkk, make_problem, standard_targets

HOUR = 3600


@pytest.fixture
def log(org):
    """Six problems of B-IT in April–May 2556 (and some that must not count)."""
    standard_targets()
    unit = org.division
    p = {
        # 4 calendar hours, fixed in 3: within
        "within": make_problem(unit, severity=1, reported="2013-04-02 09:00", fixed="2013-04-02 12:00"),
        # 8 office hours from Fri 12 Apr 15:00 over Songkran: due Wed 17 15:00; fixed Thu 18 10:00
        "late": make_problem(unit, severity=2, reported="2013-04-12 15:00", fixed="2013-04-18 10:00"),
        # 4 calendar hours, still open: past due at the end of the round
        "open_late": make_problem(unit, severity=1, reported="2013-05-20 09:00"),
        # 16 office hours from Fri 31 May 15:00: not due before the round ends
        "open_ok": make_problem(unit, severity=3, reported="2013-05-31 15:00"),
        # severity 4 has no target
        "no_sla": make_problem(unit, severity=4, reported="2013-05-02 10:00", fixed="2013-05-03 10:00"),
        # reported on a substitution holiday (Mon 6 May): counting starts Tue 08:30; 4 office hours
        "holiday": make_problem(unit, severity=3, reported="2013-05-06 10:00", fixed="2013-05-07 12:30"),
    }
    make_problem(unit, severity=1, reported="2013-05-21 09:00", status=Problem.Status.CANCELLED)
    make_problem(org.other, severity=1, reported="2013-05-21 09:00")  # another unit
    make_problem(unit, severity=1, reported="2013-03-31 23:59")  # before the round (Bangkok)
    make_problem(unit, severity=1, reported="2013-06-01 00:00")  # after it
    return unit, p


def test_the_terms_given_are_those_of_the_business_hours_arithmetic(log):
    _, p = log
    assert p["late"].due_at == bkk("2013-04-17 15:00")
    assert (p["late"].sla_hours, p["late"].sla_business_hours) == (8, True)
    assert p["no_sla"].due_at is None and p["no_sla"].sla_hours is None


def test_the_round_counts_within_breached_open_and_no_sla(log):
    unit, p = log
    s = sla_summary(org_bureau(unit), date(2013, 4, 1), date(2013, 5, 31), now=bkk("2013-06-10 09:00"))
    assert (s["problems"], s["closed"], s["open"], s["within_sla"], s["no_sla"]) == (6, 4, 2, 2, 1)
    assert [b["id"] for b in s["breached"]] == [p["late"].pk, p["open_late"].pk]
    late, open_late = s["breached"]
    assert late["fixed_at"] == "2013-04-18T03:00:00Z" and late["due_at"] == "2013-04-17T08:00:00Z"
    assert late["over_s"] == 3 * HOUR  # office time: Wed 15:00–16:30 and Thu 08:30–10:00
    assert open_late["fixed_at"] is None
    # open past due, judged at the end of the round (1 June 00:00), in calendar time
    assert open_late["over_s"] == 11 * 24 * HOUR + 11 * HOUR
    assert (late["severity"], late["unit"], late["title"]) == (2, "B-IT", "ระบบใช้งานไม่ได้")


def test_the_median_time_to_fix_is_counted_as_each_service_level_counts(log):
    unit, _ = log
    s = sla_summary(unit, date(2013, 4, 1), date(2013, 5, 31), now=bkk("2013-06-10 09:00"))
    # 3 h (calendar), 11 h (office: 8 h due + 3 h late), 24 h (no SLA: calendar), 4 h (office)
    assert s["median_fix_s"] == (4 * HOUR + 11 * HOUR) // 2
    months = {m["month"]: m for m in s["months"]}
    assert list(months) == ["2013-04", "2013-05"]
    assert months["2013-04"] == {
        "month": "2013-04",
        "problems": 2,
        "within_sla": 1,
        "breached": 1,
        "median_fix_s": (3 * HOUR + 11 * HOUR) // 2,
    }
    assert months["2013-05"] == {
        "month": "2013-05",
        "problems": 4,
        "within_sla": 1,
        "breached": 1,
        "median_fix_s": (24 * HOUR + 4 * HOUR) // 2,
    }
    assert s["by_severity"] == [
        {"severity": 1, "problems": 2, "within_sla": 1, "breached": 1},
        {"severity": 2, "problems": 1, "within_sla": 0, "breached": 1},
        {"severity": 3, "problems": 2, "within_sla": 1, "breached": 0},
        {"severity": 4, "problems": 1, "within_sla": 0, "breached": 0},
    ]


def test_an_open_problem_is_judged_now_when_the_round_has_not_ended(log):
    unit, p = log
    before_due = sla_summary(unit, date(2013, 4, 1), date(2013, 5, 31), now=bkk("2013-05-20 12:59"))
    assert [b["id"] for b in before_due["breached"]] == [p["late"].pk]
    after_due = sla_summary(unit, date(2013, 4, 1), date(2013, 5, 31), now=bkk("2013-05-20 13:30"))
    last = after_due["breached"][-1]
    assert (last["id"], last["over_s"]) == (p["open_late"].pk, 1800)


def test_months_are_bangkok_months_and_the_caller_may_be_narrowed_to_their_units(org):
    standard_targets()
    make_problem(org.division, severity=1, reported="2013-04-30 23:30", fixed="2013-05-01 00:30")
    s = sla_summary(org.bureau, date(2013, 4, 1), date(2013, 5, 31), now=bkk("2013-06-01 00:00"))
    assert [(m["month"], m["problems"]) for m in s["months"]] == [("2013-04", 1), ("2013-05", 0)]
    hidden = sla_summary(org.bureau, date(2013, 4, 1), date(2013, 5, 31), unit_ids={org.other.pk})
    assert hidden["problems"] == 0 and hidden["median_fix_s"] is None


def test_an_empty_round_and_a_backwards_one(org):
    s = sla_summary(org.bureau, date(2013, 1, 1), date(2013, 1, 31))
    assert (s["problems"], s["breached"], s["median_fix_s"]) == (0, [], None)
    with pytest.raises(InvalidInput):
        sla_summary(org.bureau, date(2013, 2, 1), date(2013, 1, 31))


def org_bureau(unit):
    return unit.parent
