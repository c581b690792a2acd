"""Item 9's check: how the facts of a round become a status (the facts themselves come from the
register, the observations and the findings, tested with the demo and in test_check_run.py)."""

from __future__ import annotations

from datetime import date

from lakthan.network.checks import NetworkFacts, judge, summary, tolerated


def facts(prefixes=3, registered=100, observed=500, findings=(), changes=4):
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    return NetworkFacts(
        judged_on=date(2013, 9, 30),
        prefixes=prefixes,
        registered=registered,
        observed=observed,
        changes=changes,
        findings=list(findings),
        counts=counts,
    )


def finding(kind, address="10.0.0.1"):
    return {"kind": kind, "address": address, "detail": "", "unit": "U", "hostname": ""}


def test_nothing_recorded_is_no_data():
    assert judge(facts(prefixes=0, registered=0, observed=0))[0] == "no_data"


def test_a_register_without_a_plan_or_a_plan_without_a_register_is_not_met():
    assert judge(facts(prefixes=0))[0] == "not_met"
    assert judge(facts(registered=0))[0] == "not_met"


def test_a_register_never_compared_with_the_network_is_partly():
    status, figures = judge(facts(observed=0))
    assert status == "partly"
    th, en = summary(status, figures)
    assert "not compared with the network" in en and "ยังไม่ได้เปรียบเทียบ" in th


def test_findings_up_to_the_tolerance_are_met_one_more_is_partly(settings):
    settings.LAKTHAN_NET_FINDINGS_PERCENT = 2
    assert tolerated(100) == 2 and tolerated(149) == 2 and tolerated(150) == 3
    two = [finding("unregistered", "10.0.0.7"), finding("stale", "10.0.0.8")]
    status, figures = judge(facts(findings=two))
    assert status == "met"
    assert figures["findings_by_kind"] == {"stale": 1, "unregistered": 1}
    assert figures["findings_tolerated"] == 2
    assert judge(facts(findings=[*two, finding("mac_mismatch", "10.0.0.9")]))[0] == "partly"


def test_a_stricter_tolerance_counts(settings):
    settings.LAKTHAN_NET_FINDINGS_PERCENT = 0
    assert judge(facts(findings=[finding("outside_plan")]))[0] == "partly"
    assert judge(facts())[0] == "met"


def test_the_summary_names_the_kinds_in_thai_and_english():
    status, figures = judge(facts(findings=[finding("duplicate_registration")]))
    th, en = summary(status, figures)
    assert "ลงทะเบียนซ้ำ 1" in th and "duplicate_registration 1" in en
    assert figures["findings_listed"] == [
        {"kind": "duplicate_registration", "address": "10.0.0.1", "detail": ""}
    ]
