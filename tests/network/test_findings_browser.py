"""One browser pass over the findings page: a Thai reader filters by unit and kind, reads the counts,
and opens the plan document; screenshots kept in LAKTHAN_SCREENSHOTS if set."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from lakthan.core.models import RoleGrant
from tests.conftest import chromium
from tests.network.findings_fixtures import bangkok, prefix, register, seen

pytestmark = pytest.mark.django_db(transaction=True)

DAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def _shots(tmp_path) -> Path:
    folder = Path(os.environ.get("LAKTHAN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.e2e
def test_a_reader_filters_the_findings_and_opens_the_plan(live_server, org, tmp_path):
    prefix("10.20.0.0/16", org.bureau, "สำนักงาน")
    prefix("10.20.5.0/24", org.division, "ศูนย์ไอที")
    register("10.20.5.10", org.division, hostname="fs01", mac="aa:bb:cc:00:00:01")
    register("10.20.5.11", org.division, hostname="printer")
    register("10.20.7.1", org.bureau, hostname="gw")
    register("10.20.7.1", org.division, hostname="gw-copy")
    seen("10.20.5.10", bangkok(DAY - timedelta(days=2)), mac="aa:bb:cc:00:00:02")
    seen("10.20.5.99", bangkok(DAY), mac="aa:bb:cc:00:00:99")
    seen("10.20.7.1", bangkok(DAY))
    user = get_user_model().objects.create_user("reader-b", password="a-long-test-password")
    RoleGrant.objects.create(user=user, unit=org.bureau, role="auditor")
    shots = _shots(tmp_path)
    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/network/findings/?as_of={DAY.isoformat()}")
        page.fill("#id_username", "reader-b")
        page.fill("#id_password", "a-long-test-password")
        page.click("button.primary")
        page.wait_for_url("**/network/findings/**")
        page.screenshot(path=str(shots / "network-findings.png"), full_page=True)
        assert page.locator("table.net-findings tbody tr").count() == 4
        page.select_option("#unit", "B-IT")
        page.select_option("#kind", "mac_mismatch")
        page.click("form.registerfilter button")
        page.wait_for_url("**kind=mac_mismatch**")
        rows = page.locator("table.net-findings tbody tr")
        assert rows.count() == 1 and "fs01" in rows.first.inner_text()
        counts = page.get_by_test_id("findings-counts").inner_text()
        assert "1" in counts or "๑" in counts
        page.screenshot(path=str(shots / "network-findings-filtered.png"), full_page=True)
        href = page.get_by_test_id("plan-pdf").get_attribute("href")
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status == 200 and response.body().startswith(b"%PDF")
