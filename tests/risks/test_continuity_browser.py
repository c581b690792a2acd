"""In Chromium: a unit's administrator sees the critical systems without a target marked, loads the
default scenarios and approves the continuity plan from its page; the approval shows with its digests, intact."""

from __future__ import annotations

import os
import re

import pytest

from lakthan.core.models import RoleGrant
from lakthan.risks.services.continuity import set_target

PASSWORD = "a-long-test-password"


def _shot(page, name: str) -> None:
    """Screenshots for a person to look at, when LAKTHAN_SCREENSHOTS names a directory."""
    if folder := os.environ.get("LAKTHAN_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, name), full_page=True)


@pytest.fixture
def bcp_admin(bcp_org, settings, django_user_model):
    """The unit's administrator, and a target for db (set before the browser's event loop starts: the
    ORM refuses to run inside it)."""
    settings.LAKTHAN_REQUIRE_2FA = False
    user = django_user_model.objects.create_user("bcp-admin", password=PASSWORD)
    RoleGrant.objects.create(user=user, unit=bcp_org.unit, role="admin")
    set_target("db", rto_s=4 * 3600, rpo_s=5400, mtd_s=86400, depends_on=["net"], actor="t")
    return user


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_targets_marked_and_the_plan_approved_in_the_browser(live_server, bcp_org, bcp_admin, chromium_page):
    page = chromium_page
    page.goto(f"{live_server.url}/accounts/login/?next=/risks/continuity/")
    page.fill("#id_username", "bcp-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/risks/continuity/")
    row = page.locator("tr[data-system=net]")
    background = row.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")  # marked
    assert "๔ ชั่วโมง" in page.inner_text("tr[data-system=db]")
    _shot(page, "continuity-targets.png")

    page.goto(f"{live_server.url}/risks/continuity/units/B/scenarios/")
    page.click("form[action$='load-default/'] button")
    page.wait_for_selector("#scenario-cyber ol li")
    assert page.locator("section[id^=scenario-] ol.rk-steps").count() == 6
    assert "แผนรองรับการโจมตีทางไซเบอร์" in page.inner_text("#scenario-cyber")
    _shot(page, "continuity-scenarios.png")

    page.goto(f"{live_server.url}/risks/continuity/units/B/plan/2569/")
    page.select_option("#id_approver", str(bcp_org.head.pk))
    page.fill("#id_note", "เห็นชอบตามที่เสนอ")
    page.click("button.primary")
    page.wait_for_selector("#approvals")
    table = page.inner_text("#approvals")
    assert "นายสมศักดิ์ มั่นคง" in table and len(re.findall(r"\b[0-9a-f]{64}\b", table)) == 2
    assert page.locator("#approvals .status.sealed").count() == 1
    _shot(page, "continuity-plan.png")
