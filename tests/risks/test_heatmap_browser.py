"""The heat map page in Chromium: both maps and the trend load as pictures side by side. Screenshot
kept in LAKTHAN_SCREENSHOTS if set."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from lakthan.lib.timezones import BANGKOK
from tests.conftest import chromium

from .heatmap_data import add_risk


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_heat_map_page_shows_both_maps_and_the_trend(live_server, world, tmp_path):
    for i, (li, im, res) in enumerate(
        [(5, 5, (2, 3)), (4, 3, (2, 2)), (3, 3, (1, 3)), (2, 4, (None, None)), (5, 2, (3, 2))]
    ):
        add_risk(
            f"R-{i + 1:04d}",
            world.a if i % 2 else world.a1,
            li,
            im,
            datetime(2012, 11, 1, tzinfo=BANGKOK),
            residual=res,
        )
    shots = Path(os.environ.get("LAKTHAN_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/risks/heatmap/%3Funit%3DA%26fy%3D2556")
        page.fill("#id_username", "auditor-a")
        page.fill("#id_password", world.password)
        page.click("button.primary")
        page.wait_for_url("**/risks/heatmap/**")
        page.wait_for_load_state("networkidle")
        widths = page.eval_on_selector_all("main img", "imgs => imgs.map(i => i.naturalWidth)")
        assert len(widths) == 3 and all(w > 400 for w in widths), widths
        maps = page.eval_on_selector_all(
            ".rk-maps img", "imgs => imgs.map(i => i.getBoundingClientRect().top)"
        )
        assert maps[0] == maps[1]  # side by side at 1366 px
        page.screenshot(path=str(shots / "risks-heatmap-th.png"), full_page=True)
