"""The item-10 check over a round running today, against the real slapd: not met while a leaver keeps an
enabled account and nothing was reviewed; met once the leaver is disabled in time, the dormant account
is handled and every right kept in a completed campaign. Exact figures, artefacts stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.access import review_setup
from tests.access.conftest import ROSTER
from tests.access.review_setup import PEOPLE, due_in

pytestmark = pytest.mark.django_db
review = review_setup.review
URN = "urn:lakthan:check:access-review"


@pytest.fixture
def report(review):
    """The 12-month report of 9.2 for the bureau, in the fiscal year that holds today."""
    from lakthan.indicators import services as ind
    from lakthan.indicators.libraries import ensure_bundled_libraries

    ensure_bundled_libraries()
    today = timezone.localdate()
    fiscal_year = today.year + 543 + (1 if today.month >= 10 else 0)
    indicator = ind.find_indicator("9.2", 2556)
    ind.set_agreement(review.unit, fiscal_year, [(indicator, 3)])
    return ind.get_report(review.unit, fiscal_year, 12, "9.2")


def test_not_met_while_a_leaver_keeps_an_enabled_account_and_no_campaign_finished(review, report):
    from datetime import date

    from lakthan.checks.services import run_check

    run = run_check(URN, report)

    days = (timezone.localdate() - date(2026, 10, 1)).days
    f = run.figures
    assert run.status == "not_met"
    assert f["leavers_enabled_past_limit"] == [["dir:somying", days]]
    assert (f["rights"], f["rights_kept_in_review"], f["rights_without_approval"]) == (4, 0, 4)
    assert f["campaigns_finished"] == []
    assert (f["dormant"], f["dormant_unhandled"]) == (2, ["dir:malee", "dir:mana"])
    assert f"ผู้พ้นสภาพที่ยังใช้งานบัญชีได้เกิน 7 วัน: dir:somying ({days} วัน)" in run.summary_th
    assert "0 of 4 enabled rights kept in a review" in run.summary_en


def test_met_when_the_leaver_was_disabled_in_time_and_every_right_kept_in_a_completed_campaign(
    review, report
):
    import ldap3

    from lakthan.access.services.campaigns import keep_all_pending, start
    from lakthan.access.services.remediate import remediate
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sync import sync
    from lakthan.checks.services import run_check
    from lakthan.evidence.models import Evidence

    today = timezone.localdate()
    left = (today - timedelta(days=3)).isoformat()
    import_roster(
        ROSTER.replace("resigned,2026-10-01", f"resigned,{left}").encode(), "roster-2.csv", actor="hr"
    )
    remediate(today)  # somying locked in slapd, 3 days after leaving
    review.directory.modify(  # the dormant malee, without any right to review, disabled by the administrator
        f"uid=malee,{PEOPLE}", {"pwdAccountLockedTime": [(ldap3.MODIFY_REPLACE, ["000001010000Z"])]}
    )
    sync(review.source)
    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    keep_all_pending(campaign, by=review.owner)
    keep_all_pending(campaign, by=review.people["E004"])  # malee heads B-HR: mana's (dormant) right kept

    run = run_check(URN, report)

    f = run.figures
    assert run.status == "met", run.summary_en
    assert f["leaver_disable_days"] == [["dir:somying", 3]]
    assert (f["leavers_enabled"], f["late_disables"]) == (0, 0)
    assert (f["rights"], f["rights_kept_in_review"], f["rights_without_approval"]) == (3, 3, 0)
    assert [c["id"] for c in f["campaigns_finished"]] == [campaign.pk]
    assert (f["dormant"], f["dormant_unhandled"]) == (1, [])
    stored = Evidence.objects.filter(check_run=run).values_list("title", flat=True)
    assert len(stored) == 3
    assert any(t.startswith("รายงานผลการทบทวนสิทธิ์การเข้าถึง") for t in stored)
    assert any(t.startswith("แผนภูมิจำนวนวันจากวันพ้นสภาพถึงวันระงับบัญชี") for t in stored)
