"""Item 6 (problem part): how the round's SLA summary and the systems' owners become a status."""

from __future__ import annotations

from datetime import date

from lakthan.problems.checks import judge_problems, summary_problems

JUDGED = date(2013, 9, 30)


def summary(**over):
    base = {
        "problems": 10,
        "closed": 10,
        "open": 0,
        "within_sla": 9,
        "breached": [{"id": 7, "title": "x", "severity": 2, "over_s": 3600}],
        "no_sla": 0,
        "median_fix_s": 4 * 3600,
        "months": [],
        "by_severity": [],
    }
    return {**base, **over}


def system(code="pibics", had=True, order=True, owners=1):
    return {
        "system": code,
        "had_problems": had,
        "owners": [{"person": "A", "position": "", "unit": "", "order": {"doc_no": "1"} if order else None}]
        * owners,
    }


def test_met_partly_not_met(settings):
    settings.LAKTHAN_PROBLEM_SLA_PERCENT = 80
    assert (
        judge_problems(summary(problems=0, closed=0, within_sla=0, breached=[]), [], 0, JUDGED)[0]
        == "no_data"
    )
    assert judge_problems(summary(), [system()], 0, JUDGED)[0] == "met"
    # nobody named for any system
    assert judge_problems(summary(), [system(owners=0)], 0, JUDGED)[0] == "not_met"
    # problems logged, none fixed
    assert (
        judge_problems(summary(closed=0, open=10, within_sla=0, breached=[]), [system()], 0, JUDGED)[0]
        == "not_met"
    )


def test_each_shortfall_is_named(settings):
    settings.LAKTHAN_PROBLEM_SLA_PERCENT = 80
    _, f = judge_problems(summary(), [system(), system("tm30", owners=0)], 0, JUDGED)
    assert f["shortfalls"] == ["owners_missing"] and f["systems_without_owner"] == ["tm30"]
    _, f = judge_problems(summary(), [system(order=False)], 0, JUDGED)
    assert f["shortfalls"] == ["orders_missing"]
    _, f = judge_problems(summary(), [system()], 2, JUDGED)
    assert f["shortfalls"] == ["unassigned"]
    # 8 of 10 within is exactly the bar; 7 of 10 is below it
    breached = [{"id": n} for n in range(2)]
    _, f = judge_problems(summary(within_sla=8, breached=breached), [system()], 0, JUDGED)
    assert f["within_percent"] == 80.0 and f["shortfalls"] == []
    breached = [{"id": n} for n in range(3)]
    status, f = judge_problems(summary(within_sla=7, breached=breached), [system()], 0, JUDGED)
    assert status == "partly" and f["shortfalls"] == ["sla_below"]
    _, f = judge_problems(
        summary(problems=0, closed=0, within_sla=0, breached=[]), [system(had=False)], 0, JUDGED
    )
    assert f["shortfalls"] == ["no_problems_logged"]


def test_summary_names_the_figures():
    status, f = judge_problems(summary(), [system()], 0, JUDGED)
    th, en = summary_problems(status, f)
    assert "ปัญหา 10 เรื่อง" in th and "เกินกำหนด 1 เรื่อง" in th and "(90%)" in th
    assert "9 within their service level (90%), 1 breached, median time to fix 4.0 h" in en
