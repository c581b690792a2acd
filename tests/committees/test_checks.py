"""Item 7: how the committee's findings in the round become a status."""

from __future__ import annotations

from datetime import date

import pytest

from lakthan.committees.checks import judge_committee, summary_committee

JUDGED = date(2013, 9, 30)


def finding(kind, committee="คณะกรรมการ"):
    return {"kind": kind, "committee": committee, "detail": ""}


def test_a_committee_that_met_with_minutes_is_met():
    status, figures = judge_committee([], 2, 1, JUDGED)
    assert status == "met" and figures["meetings"] == 2


@pytest.mark.parametrize("kind", ["no_committee", "no_order", "not_met"])
def test_no_committee_no_order_or_no_meeting_is_not_met(kind):
    assert judge_committee([finding(kind)], 0, 1, JUDGED)[0] == "not_met"


@pytest.mark.parametrize("kind", ["no_minutes", "overdue_resolution", "no_chair_or_secretary"])
def test_the_other_findings_leave_it_partly_met(kind):
    status, figures = judge_committee([finding(kind)], 2, 1, JUDGED)
    assert status == "partly" and figures["kinds"] == [kind]


def test_summary_names_each_finding():
    status, figures = judge_committee([finding("not_met"), finding("no_minutes")], 1, 1, JUDGED)
    th, en = summary_committee(status, figures)
    assert "ประชุมในรอบ 1 ครั้ง" in th
    assert "คณะกรรมการ: คณะกรรมการประชุมน้อยกว่าที่กำหนดในรอบ" in th
    assert "not met" in en and "no minutes" in en
