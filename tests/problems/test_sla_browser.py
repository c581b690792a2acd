"""The service-level page and the work calendar in Chromium: an administrator sets a target through
the form, reads the summary of a period typed in Thai dates, and opens the calendar of a year.
Screenshots kept in LAKTHAN_SCREENSHOTS if set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lakthan.problems.models import SlaTarget
from tests.conftest import chromium

from .sla_fixtures import make_problem, standard_targets


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_service_level_pages_in_chromium(live_server, world, tmp_path, settings):
    settings.LAKTHAN_REQUIRE_2FA = False
    standard_targets()
    make_problem(
        world.a1, severity=2, reported="2013-04-12 15:00", fixed="2013-04-18 10:00", title="ระบบสารบรรณล่ม"
    )
    make_problem(
        world.a1, severity=1, reported="2013-04-02 09:00", fixed="2013-04-02 12:00", title="พิมพ์รายงานไม่ได้"
    )
    make_problem(world.a1, severity=1, reported="2013-05-20 09:00", title="เครือข่ายด่านตรวจขัดข้อง")
    make_problem(
        world.a1, severity=4, reported="2013-05-02 10:00", fixed="2013-05-03 10:00", title="ขอติดตั้งโปรแกรม"
    )
    shots = Path(os.environ.get("LAKTHAN_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/problems/sla/%3Funit%3DA")
        page.fill("#id_username", "admin-a")
        page.fill("#id_password", world.password)
        page.click("button.primary")
        page.wait_for_url("**/problems/sla/**")
        page.select_option("#id_severity", "4")
        page.fill("#id_hours", "40")
        page.check("#id_business_hours")
        page.click("[data-testid=sla-set] button")
        page.wait_for_selector(".alert.success")
        page.fill("#start", "01/04/2556")  # day/month/B.E. year, as the Thai UI writes it
        page.fill("#end", "31/05/2556")
        page.click("[data-testid=sla-filter] button")
        page.wait_for_url("**start=01%2F04%2F2556**")
        assert page.inner_text("[data-figure=problems]") == "๔"
        assert page.locator("[data-testid=sla-breached] tbody tr").count() == 2
        assert "ระบบสารบรรณล่ม" in page.inner_text("[data-testid=sla-breached]")
        page.screenshot(path=str(shots / "problems-sla-th.png"), full_page=True)
        page.goto(f"{live_server.url}/problems/calendar/?year=2013")
        assert "วันหยุดชดเชยวันสงกรานต์" in page.inner_text("[data-testid=holidays]")
        assert page.locator("[data-testid=calendar-load]").count() == 1
        page.screenshot(path=str(shots / "problems-calendar-th.png"), full_page=True)
    # after the browser (the ORM may not be called inside Playwright's event loop)
    assert SlaTarget.objects.filter(severity=4, hours=40, business_hours=True).exists()
