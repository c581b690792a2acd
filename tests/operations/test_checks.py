"""Items 4 and 8's checks: how a round's website table and usage become a status."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lakthan.operations.checks import (
    judge_usage,
    judge_websites,
    site_shortfalls,
    summary_usage,
    summary_websites,
)

JUDGED = date(2013, 9, 30)


def site(**over):
    row = {
        "probe": "web",
        "url": "https://www.example.go.th/",
        "unit": "U",
        "availability": 0.998,
        "tls_days_left": 120,
        "content_changed_at": datetime(2013, 9, 2, 3, tzinfo=UTC),
        "checklist_missing": [],
        "a11y": {"critical": 0, "serious": 2, "moderate": 1, "minor": 0},
        "checked_at": datetime(2013, 9, 30, 3, tzinfo=UTC),
    }
    return {**row, **over}


def test_a_website_up_current_complete_and_accessible_has_no_shortfall():
    assert site_shortfalls(site(), JUDGED) == []


def test_each_shortfall_is_named(settings):
    settings.LAKTHAN_SITE_MIN_AVAILABILITY = 99
    settings.LAKTHAN_SITE_CURRENT_DAYS = 90
    assert site_shortfalls(site(availability=None), JUDGED) == ["not_probed"]
    assert site_shortfalls(site(availability=0.9899), JUDGED) == ["availability"]
    assert site_shortfalls(site(availability=0.99), JUDGED) == []
    assert site_shortfalls(site(tls_days_left=-1), JUDGED) == ["certificate_expired"]
    assert site_shortfalls(site(tls_days_left=None), JUDGED) == []  # plain http: no certificate
    # 90 days before 30 Sep 2013 is 2 Jul 2013 (Bangkok days)
    assert site_shortfalls(site(content_changed_at=datetime(2013, 7, 1, 17, 30, tzinfo=UTC)), JUDGED) == []
    assert site_shortfalls(site(content_changed_at=datetime(2013, 7, 1, 16, 30, tzinfo=UTC)), JUDGED) == [
        "content_not_current"
    ]
    assert site_shortfalls(site(content_changed_at=None), JUDGED) == ["content_not_current"]
    assert site_shortfalls(site(checklist_missing=["laws"]), JUDGED) == ["checklist"]
    assert site_shortfalls(site(a11y=None), JUDGED) == ["accessibility_not_checked"]
    assert site_shortfalls(site(a11y={"critical": 1, "serious": 0}), JUDGED) == ["accessibility_critical"]


def test_websites_status():
    assert judge_websites([], JUDGED)[0] == "no_data"
    assert judge_websites([site(availability=None)], JUDGED)[0] == "not_met"
    assert judge_websites([site(), site(probe="b")], JUDGED)[0] == "met"
    status, figures = judge_websites(
        [site(), site(probe="b", url="https://b.example/", checklist_missing=["faq"])], JUDGED
    )
    assert status == "partly" and figures["websites_ok"] == 1
    th, en = summary_websites(status, figures)
    assert "https://b.example/: checklist" in en and "ขาดหัวข้อตามมาตรฐานเว็บไซต์ภาครัฐ" in th


def usage(installations, rows=()):
    return {
        "rows": list(rows),
        "installations": installations,
        "silent": [{"system": i["system"], "unit": i["unit"]} for i in installations if not i["in_use"]],
    }


def inst(system, unit, in_use, events=0):
    return {"system": system, "unit": unit, "declared_by": "inventory", "in_use": in_use, "events": events}


def test_usage_status():
    assert judge_usage(usage([]), JUDGED)[0] == "no_data"
    assert judge_usage(usage([inst("a", "U1", False)]), JUDGED)[0] == "not_met"
    rows = [{"system": "a", "unit": "U1", "month": "2013-09", "events": 40, "users": 3}]
    status, figures = judge_usage(usage([inst("a", "U1", True, 40), inst("a", "U2", True, 5)], rows), JUDGED)
    assert status == "met" and figures["units_per_system"] == {"a": 2} and figures["events"] == 40
    status, figures = judge_usage(usage([inst("a", "U1", True, 40), inst("b", "CP", False)], rows), JUDGED)
    assert status == "partly" and figures["silent"] == [{"system": "b", "unit": "CP"}]
    th, en = summary_usage(status, figures)
    assert "b @ CP" in en and "ติดตั้งแต่ไม่พบการใช้งานในรอบ" in th
