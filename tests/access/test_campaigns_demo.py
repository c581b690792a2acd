"""The demo's campaign: completed in June of the fiscal year by the unit heads, a leaver's and a dormant
account's rights revoked with their reasons and removed from slapd, and item 10's check met for that year's 12-month report."""

from __future__ import annotations

from datetime import date

import pytest

from tests.access import review_setup
from tests.access.review_setup import PEOPLE, STAFF

pytestmark = pytest.mark.django_db
review = review_setup.review


def test_the_demo_campaign_is_completed_in_the_fiscal_year_and_feeds_a_met_check(review):
    from lakthan.access.demo_campaign import REASONS, complete_demo_campaign
    from lakthan.access.services.campaigns import bangkok_day
    from lakthan.checks.services import run_check
    from lakthan.indicators import services as ind
    from lakthan.indicators.libraries import ensure_bundled_libraries

    campaign = complete_demo_campaign(review.unit, 2556)

    assert campaign.state == "completed"
    assert bangkok_day(campaign.started_at) == date(2013, 6, 15)
    assert date(2013, 6, 16) <= bangkok_day(campaign.finished_at) <= date(2013, 6, 27)
    revoked = list(campaign.items.filter(decision="revoke"))
    assert [(i.account_name, i.group_name, i.comment, i.removal) for i in revoked] == [
        ("dir:mana", "staff", REASONS["dormant"], "removed"),  # no login since August
        ("dir:somying", "staff", REASONS["leaver_active"], "removed"),
    ]
    assert review.directory.attribute(STAFF, "member") == [f"uid=somchai,{PEOPLE}"]
    assert set(campaign.items.exclude(decision="revoke").values_list("decision", flat=True)) == {"keep"}
    assert {i.reviewer_role for i in campaign.items.all()} == {"head", "owner"}

    ensure_bundled_libraries()
    ind.set_agreement(review.unit, 2556, [(ind.find_indicator("9.2", 2556), 3)])
    run = run_check("urn:lakthan:check:access-review", ind.get_report(review.unit, 2556, 12, "9.2"))
    assert run.status == "met", run.summary_en
    assert (run.figures["rights"], run.figures["rights_kept_in_review"]) == (2, 2)
