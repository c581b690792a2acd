"""In Chromium: a clerk reports a problem through the quick form (unit and time already filled in, a
severity in words, the system from the list) and lands on its page with the owner assigned; the log
marks it overdue; the pages fit 1366 px without CSP errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lakthan.problems.services import owners
from tests.problems import problog_fixtures
from tests.problems.problog_fixtures import PASSWORD

office = problog_fixtures.office
SHOTS = os.environ.get("LAKTHAN_SCREENSHOTS", "")


@pytest.fixture
def owned(office):
    """Made before Chromium starts: Playwright's event loop would refuse the ORM."""
    owners.add_owner(office.mail, office.central, order=office.order)
    return office


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_clerk_reports_a_problem_in_the_quick_form(live_server, owned, chromium_page, tmp_path):
    shots = Path(SHOTS) if SHOTS else tmp_path
    page = chromium_page
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/?next=/problems/add/")
    page.fill("#id_username", "collector-p")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/problems/add/")
    assert page.input_value("#id_unit") == "B-IT"
    assert page.input_value("#id_reported_at")  # now, already typed
    assert page.locator("#id_severity option").all_inner_texts()[0] == "1 วิกฤต"
    page.select_option("#id_severity", "1")
    page.select_option("#id_system", "mail")
    page.fill("#id_title", "อีเมลส่งออกไม่ได้ทั้งกอง")
    page.fill("#id_reported_by", "จ.ส.ต. ทดสอบ")
    page.screenshot(path=str(shots / "problems-add.png"), full_page=True)
    page.click("form[data-testid=problem-add] button[type=submit]")
    page.wait_for_url("**/problems/*/")
    pk = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    assert "อีเมลส่งออกไม่ได้ทั้งกอง" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=status]").inner_text() == "เปิดอยู่"
    assert "ร.ต.อ.สมชาย" in page.locator(".facts").first.inner_text()
    assert page.locator("[data-testid=form-close]").is_visible()
    page.screenshot(path=str(shots / "problems-problem.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.goto(f"{live_server.url}/problems/")
    page.screenshot(path=str(shots / "problems-index.png"), full_page=True)
    assert page.locator(f"tr[data-problem='{pk}']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.goto(f"{live_server.url}/problems/owners/")
    page.screenshot(path=str(shots / "problems-owners.png"), full_page=True)
    assert page.locator("[data-testid=owners] tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert csp == []
