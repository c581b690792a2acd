"""The freshness page in Chromium: the late datasets stand out, the round's picture loads, the round is
chosen in the Thai date inputs. Screenshot kept in LAKTHAN_SCREENSHOTS if set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import chromium
from tests.data import freshness_fixtures

fresh, _password_only = freshness_fixtures.fresh, freshness_fixtures._password_only


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_freshness_page_in_chromium(live_server, fresh, tmp_path):
    shots = Path(os.environ.get("LAKTHAN_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/data/")
        page.fill("#id_username", "auditor-a")
        page.fill("#id_password", fresh.password)
        page.click("button.primary")
        page.wait_for_url("**/data/**")
        page.fill("#as_of", "11/01/2569")  # day/month/B.E. year, as the Thai UI writes it
        page.fill("#from", "01/01/2569")
        page.fill("#to", "31/01/2569")
        page.click("[data-testid=freshness-filter] button")
        page.wait_for_url("**from=01%2F01%2F2569**")
        page.wait_for_load_state("networkidle")
        width = page.eval_on_selector(".data-picture img", "i => i.naturalWidth")
        assert width > 700, width
        late = page.locator("[data-testid=freshness-table] tr.expired")
        assert late.count() == 2 and "passports" in late.first.inner_text()
        background = late.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)"  # highlighted
        assert "นางสมศรี" in page.inner_text("[data-testid=freshness-late]")
        page.screenshot(path=str(shots / "data-freshness-th.png"), full_page=True)
