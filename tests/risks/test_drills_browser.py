"""One browser pass: record a drill in the form as a Thai clerk would and read the verdicts on its page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from lakthan.core.models import RoleGrant
from lakthan.risks.models import ContinuityTarget
from tests.conftest import chromium

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def test_a_drill_recorded_in_the_browser_shows_measured_against_target(live_server, org, erp, tmp_path):
    ContinuityTarget.objects.create(system=erp, rto_s=3 * 3600, rpo_s=4 * 3600, updated_by="t")
    user = get_user_model().objects.create_user("head-b", password="a-long-test-password")
    RoleGrant.objects.create(user=user, unit=org.bureau, role="admin")
    with chromium() as page:  # started after the database is written: Playwright runs an event loop
        page.goto(f"{live_server.url}/accounts/login/?next=/risks/drills/new")
        page.fill("#id_username", "head-b")
        page.fill("#id_password", "a-long-test-password")
        page.click("button.primary")
        page.wait_for_url("**/risks/drills/new")
        page.select_option("#id_unit", "B-IT")
        page.select_option("#id_scenario", "fire")
        page.check("input[name=systems][value=erp]")
        page.fill("#id_title", "ซ้อมอพยพห้องเครื่อง")
        page.fill("#id_started", "01/03/2569 21:00")
        page.fill("#id_restored", "02/03/2569 01:00")
        page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
        page.click("form.stack button.primary")
        page.wait_for_url("**/risks/drills/*/")
        page.screenshot(path=str(tmp_path / "drill.png"), full_page=True)
        row = page.locator("table.grid tbody tr").first.inner_text()
        assert "๔ ชั่วโมง" in row and "๒ ชั่วโมง ๓๐ นาที" in row
        assert page.locator(".badge.missed").count() == 1 and page.locator(".badge.met").count() == 1
