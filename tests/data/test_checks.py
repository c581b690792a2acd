"""Items 5 and 6 (data part): how a round's freshness table and the datasets' owners become a status."""

from __future__ import annotations

from datetime import date

from lakthan.data.checks import (
    dataset_shortfalls,
    judge_current,
    judge_owners,
    summary_current,
    summary_owners,
)

JUDGED = date(2013, 9, 30)


def row(**over):
    base = {
        "dataset": "passports",
        "unit": "U",
        "system": "pibics",
        "owner": "ร.ต.อ.ชยพล  ก้องเกียรติ",
        "owner_order": {"doc_no": "ที่ 15/2555", "doc_date": "2012-10-05"},
        "every_s": 86400,
        "readings": 1460,
        "failed_reads": 0,
        "last_update": "2013-09-30T02:15:00+07:00",
        "late": False,
        "late_by_s": 0,
        "current_ratio": 0.995,
        "quality": {"rules": 3, "passed": 3, "failed": 0, "failing": []},
    }
    return {**base, **over}


def test_each_shortfall_is_named(settings):
    settings.LAKTHAN_DATA_CURRENT_PERCENT = 95
    assert dataset_shortfalls(row()) == []
    assert dataset_shortfalls(row(readings=0, current_ratio=None)) == ["not_read"]
    assert dataset_shortfalls(row(current_ratio=0.95)) == []
    assert dataset_shortfalls(row(current_ratio=0.9499)) == ["not_current"]
    assert dataset_shortfalls(row(late=True, late_by_s=800000)) == ["late_now"]
    failing = {"rules": 3, "passed": 2, "failed": 1, "failing": ["nulls"]}
    assert dataset_shortfalls(row(quality=failing)) == ["quality_failed"]
    # a dataset read only with failures has no current share: not current
    assert dataset_shortfalls(row(current_ratio=None)) == ["not_current"]


def test_current_status_and_summary(settings):
    settings.LAKTHAN_DATA_CURRENT_PERCENT = 95
    assert judge_current([], JUDGED)[0] == "no_data"
    assert judge_current([row(readings=0, current_ratio=None)], JUDGED)[0] == "not_met"
    assert judge_current([row(), row(dataset="tm30")], JUDGED)[0] == "met"
    status, figures = judge_current([row(), row(dataset="voa", late=True, late_by_s=9 * 86400)], JUDGED)
    assert status == "partly"
    assert (figures["datasets"], figures["datasets_ok"], figures["late_now"]) == (2, 1, 1)
    th, en = summary_current(status, figures)
    assert "voa: ล่าช้า ณ วันที่ตรวจ" in th and "voa: late now" in en
    assert "1 of 2 datasets" in en


def owner(**over):
    base = {
        "dataset": "passports",
        "unit": "U",
        "system": "",
        "owner": "A",
        "owner_position": "",
        "order": {"doc_no": "1"},
    }
    return {**base, **over}


def test_owners_status_and_summary():
    assert judge_owners([], JUDGED)[0] == "no_data"
    assert judge_owners([owner(owner="", order=None)], JUDGED)[0] == "not_met"
    assert judge_owners([owner(), owner(dataset="b")], JUDGED)[0] == "met"
    status, figures = judge_owners(
        [owner(), owner(dataset="b", order=None), owner(dataset="c", owner="", order=None)], JUDGED
    )
    assert status == "partly"
    assert (figures["with_owner"], figures["with_order"]) == (2, 1)
    assert [r["shortfalls"] for r in figures["rows"]] == [[], ["no_order"], ["no_owner"]]
    th, en = summary_owners(status, figures)
    assert "b: ยังไม่มีคำสั่งมอบหมาย" in th and "c: no owner" in en
