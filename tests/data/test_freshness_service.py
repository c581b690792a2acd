"""The freshness service: each dataset judged at a moment from the newest reading at or before it, and
the round's table with the time-weighted current share, reads and quality (fixtures in
freshness_fixtures.py, figures worked out there)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lakthan.core.errors import InvalidInput
from lakthan.data.models import Reading
from lakthan.data.services.freshness import freshness, freshness_table
from tests.data import freshness_fixtures
from tests.data.freshness_fixtures import DAY, ROUND, bkk, dataset, reading

fresh = freshness_fixtures.fresh
KEYS = {
    "dataset",
    "unit",
    "system",
    "owner",
    "last_update",
    "expected_every_s",
    "late",
    "late_by_s",
    "read_ok",
    "error",
}


def by_name(rows):
    return {r["dataset"]: r for r in rows}


def test_the_judgment_at_the_exact_boundary(fresh):
    # the read of 9 Jan 08:00 saw the update of 9 Jan 02:00; every day
    on_the_dot = by_name(freshness(fresh.a, bkk(2026, 1, 10, 2)))["passports"]
    assert set(on_the_dot) == KEYS
    assert (on_the_dot["late"], on_the_dot["late_by_s"]) == (False, 0)
    assert on_the_dot["last_update"] == "2026-01-08T19:00:00Z"
    one_more = by_name(freshness(fresh.a, bkk(2026, 1, 10, 2, 0, 1)))["passports"]
    assert (one_more["late"], one_more["late_by_s"]) == (True, 1)


def test_a_past_moment_uses_only_the_readings_before_it(fresh):
    rows = by_name(freshness(None, bkk(2026, 1, 11, 12)))
    # the read of 11 Jan 08:00 still saw 9 Jan 02:00: late by 2 d 10 h − 1 d
    assert rows["passports"]["late"] is True and rows["passports"]["late_by_s"] == DAY + 10 * 3600
    early = by_name(freshness(None, bkk(2026, 1, 1, 9)))
    assert early["visas"] | {} == {
        "dataset": "visas",
        "unit": "A-1",
        "system": "",
        "owner": "",
        "last_update": None,
        "expected_every_s": 3600,
        "late": None,
        "late_by_s": None,
        "read_ok": None,
        "error": "",
    }
    assert early["passports"]["owner"] == "นางสมศรี  ข้อมูลดี" and early["passports"]["system"] == "passport"
    # judged at the moment asked, not at the reading's: the reading did not change, the judgment did
    assert by_name(freshness(None, bkk(2026, 1, 1, 10, 30)))["visas"]["late"] is False
    assert by_name(freshness(None, bkk(2026, 1, 1, 10, 31)))["visas"]["late_by_s"] == 60


def test_a_failed_read_carries_the_last_update_forward(fresh):
    row = by_name(freshness(fresh.a, bkk(2026, 1, 12, 9)))["passports"]
    assert (row["read_ok"], row["error"]) == (False, "timeout")
    assert row["last_update"] == "2026-01-08T19:00:00Z"
    assert (row["late"], row["late_by_s"]) == (True, 2 * DAY + 7 * 3600)
    # only failed reads: nothing known, not "late"
    down = dataset("down", fresh.a, DAY)
    Reading.objects.bulk_create([reading(down, bkk(2026, 1, 3), None, "connection refused")])
    row = by_name(freshness(fresh.a, bkk(2026, 1, 4)))["down"]
    assert (row["late"], row["late_by_s"], row["read_ok"], row["last_update"]) == (None, None, False, None)


def test_an_update_in_the_future_is_current(fresh):
    ahead = dataset("ahead", fresh.a, 3600)
    at = bkk(2026, 3, 1, 8)
    Reading.objects.bulk_create([reading(ahead, at, at + timedelta(hours=2))])
    row = by_name(freshness(fresh.a, at))["ahead"]
    assert (row["late"], row["late_by_s"]) == (False, 0)
    assert by_name(freshness(fresh.a, at + timedelta(hours=3, seconds=5)))["ahead"]["late_by_s"] == 5


def test_the_unit_and_the_visible_units_narrow_the_list(fresh):
    assert [r["dataset"] for r in freshness(fresh.a)] == ["passports", "visas"]
    assert [r["dataset"] for r in freshness(fresh.a1)] == ["visas"]
    assert [r["dataset"] for r in freshness(None, unit_ids={fresh.b.pk})] == ["crossings"]
    assert freshness(fresh.a, unit_ids={fresh.b.pk}) == []
    fresh.datasets["visas"].active = False
    fresh.datasets["visas"].save()
    assert [r["dataset"] for r in freshness(fresh.a)] == ["passports"]


def test_the_round_with_a_late_spell(fresh):
    rows = by_name(freshness_table(fresh.a, *ROUND))
    assert list(rows) == ["passports", "visas"]  # B's crossings are not A's
    p = rows["passports"]
    known = 30 * DAY + 16 * 3600  # unknown before the first read, 1 Jan 00:00–08:00
    assert p["current_ratio"] == pytest.approx((known - 3 * DAY) / known, abs=1e-12)
    assert (p["readings"], p["failed_reads"]) == (31, 1)
    assert p["last_update"] == "2026-01-30T19:00:00Z"
    assert (p["late"], p["late_by_s"]) == (False, 0)  # at the end of 31 January
    assert p["owner_order"] == {"doc_no": "12/2569", "doc_date": "2025-10-01"}
    assert p["every_s"] == DAY and p["system"] == "passport" and p["unit"] == "A"
    assert p["quality"] == {"rules": 2, "passed": 1, "failed": 1, "failing": ["rows"]}
    v = rows["visas"]
    assert v["current_ratio"] == pytest.approx(1800 / (30 * DAY + 14 * 3600))
    assert (v["late"], v["late_by_s"]) == (True, 30 * DAY + 14 * 3600 + 1800 - 3600)
    assert v["owner_order"] is None and v["quality"] == {"rules": 0, "passed": 0, "failed": 0, "failing": []}


def test_a_round_sees_the_reading_before_it_and_not_after_it(fresh):
    # 11–12 January: the state at the start comes from the read of 10 January (update of the 9th)
    p = by_name(freshness_table(fresh.a, date(2026, 1, 11), date(2026, 1, 12)))["passports"]
    assert p["current_ratio"] == 0.0 and p["readings"] == 2 and p["failed_reads"] == 1
    assert (p["late"], p["late_by_s"]) == (True, 3 * DAY + 22 * 3600 - DAY)
    # a round before any reading: nothing known
    none = by_name(freshness_table(fresh.a, date(2025, 12, 1), date(2025, 12, 31)))["passports"]
    assert (none["current_ratio"], none["late"], none["readings"]) == (None, None, 0)


def test_a_bad_round_is_refused(fresh):
    with pytest.raises(InvalidInput, match="before"):
        freshness_table(fresh.a, date(2026, 2, 1), date(2026, 1, 1))
