"""The item-4 page in Chromium: the chart loads as a picture, the silent installation stands out, the
period is chosen in the Thai date inputs. Screenshot kept in LAKTHAN_SCREENSHOTS if set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import chromium
from tests.operations import usage_fixtures

scene, _password_only = usage_fixtures.scene, usage_fixtures._password_only  # the module's fixtures


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_usage_page_in_chromium(live_server, world, scene, tmp_path):
    shots = Path(os.environ.get("LAKTHAN_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/operations/usage/%3Funit%3DA")
        page.fill("#id_username", "auditor-a")
        page.fill("#id_password", world.password)
        page.click("button.primary")
        page.wait_for_url("**/operations/usage/**")
        page.fill("#from", "01/01/2569")  # day/month/B.E. year, as the Thai UI writes it
        page.fill("#to", "28/02/2569")
        page.click("[data-testid=usage-filter] button")
        page.wait_for_url("**from=01%2F01%2F2569**")
        page.wait_for_load_state("networkidle")
        width = page.eval_on_selector(".usage-chart img", "i => i.naturalWidth")
        assert width > 700, width
        silent = page.locator("[data-testid=usage-installations] tr.expired")
        assert silent.count() == 1 and "CP3" in silent.inner_text()
        background = silent.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)"  # highlighted
        assert "ด่านตรวจ ๓" in page.inner_text("[data-testid=usage-silent]")
        page.screenshot(path=str(shots / "operations-usage-th.png"), full_page=True)
