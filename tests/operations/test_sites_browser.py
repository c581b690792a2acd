"""One browser pass: a collector opens a website's page, presses "check now" and reads the
accessibility counts axe-core found in real Chromium; the table of websites at 1366 px."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from lakthan.core.models import RoleGrant
from tests.conftest import chromium
from tests.operations.site_fixtures import (
    BAD_PAGE,
    site_fixture,  # noqa: F401
    website,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _password_only(settings, monkeypatch):
    from lakthan.operations.services import sites

    settings.LAKTHAN_REQUIRE_2FA = False
    monkeypatch.setattr(sites, "_real_availability", lambda probe, start, end: 0.9987)


@pytest.mark.e2e
def test_check_now_in_the_browser_shows_the_violations_by_impact(live_server, org, site, tmp_path):
    site.page("/", BAD_PAGE)
    website(org.division, "www-it", f"{site.url}/")
    user = get_user_model().objects.create_user("clerk", password="a-long-test-password")
    RoleGrant.objects.create(user=user, unit=org.division, role="collector")
    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/operations/sites/www-it/")
        page.fill("#id_username", "clerk")
        page.fill("#id_password", "a-long-test-password")
        page.click("button.primary")
        page.wait_for_url("**/operations/sites/www-it/")
        page.click("[data-testid=site-check]")
        page.wait_for_selector("[data-testid=a11y-counts]", timeout=60000)
        page.screenshot(path=str(tmp_path / "site.png"), full_page=True)
        counts = {
            el.get_attribute("data-impact"): el.locator(".value").inner_text()
            for el in page.locator("[data-testid=a11y-counts] .stat").all()
        }
        assert counts == {"critical": "๒", "serious": "๒", "moderate": "๐", "minor": "๐"}
        assert page.locator("[data-testid=a11y-rules] tbody tr").count() == 4
        assert page.locator("[data-testid=checklist] .status.not_met").count() == 12
        page.goto(f"{live_server.url}/operations/sites/")
        page.screenshot(path=str(tmp_path / "sites.png"), full_page=True)
        row = page.locator("tr[data-site=www-it]").inner_text()
        assert "๙๙.๘๗%" in row
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
