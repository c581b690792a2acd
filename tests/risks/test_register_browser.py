"""In Chromium: the register's level badges take their colours from the matrix (a stylesheet served
from it, since the CSP allows no inline style), and a risk's page shows its history."""

from __future__ import annotations

import os

import pytest

from tests.risks import register_fixtures
from tests.risks.register_fixtures import add

bureau = register_fixtures.bureau
SHOTS = os.environ.get("LAKTHAN_SCREENSHOTS", "")


@pytest.fixture
def risk(bureau):
    """Made before Chromium starts: Playwright's event loop would refuse the ORM."""
    from datetime import date

    from lakthan.risks.services.register import update_risk

    made = add(bureau, due=date(2026, 1, 31))
    update_risk(made, actor="somchai", reason="ทบทวนรอบ ๖ เดือน", likelihood=3)
    add(
        bureau,
        system=bureau.hr,
        likelihood=1,
        impact=2,
        residual_likelihood=None,
        residual_impact=None,
        title="เครื่องแม่ข่ายระบบบุคลากรชำรุด",
        treatment="transfer",
    )
    return made


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_register_shows_matrix_coloured_levels_without_csp_errors(live_server, risk, chromium_page):
    page = chromium_page
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/?next=/risks/")
    page.fill("#id_username", "auditor-b")
    page.fill("#id_password", "a-long-test-password")
    page.click("button.primary")
    page.wait_for_url("**/risks/")
    high = page.locator(".rk-level", has_text="สูง").first
    assert high.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(239, 108, 0)"  # #ef6c00
    low = page.locator(".rk-level", has_text="ต่ำ").first
    assert low.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(46, 125, 50)"  # #2e7d32
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/register.png", full_page=True)
    page.click(f"text={risk.ref}")
    page.wait_for_url(f"**/risks/register/{risk.ref}/")
    history = page.inner_text(".rk-history")
    assert "ทบทวนรอบ ๖ เดือน" in history and "somchai" in history
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/risk.png", full_page=True)
    assert csp == []
