"""A retro-hunt started from its page in Chromium: the form, the hunt's page (running, then done by
the worker), and the alerts page naming the hunt."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import chromium
from tests.monitoring import hunt_fixtures

sealed = hunt_fixtures.sealed
SHOTS = os.environ.get("LAKTHAN_SCREENSHOTS")  # a directory: the pages are kept there to look at


@pytest.fixture
def hunt_page():
    with chromium(timeout=20000, locale="en-US") as page:
        yield page


@pytest.fixture
def ready(sealed, db):
    """Made before the browser starts: Playwright's event loop forbids the ORM in its thread."""
    get_user_model().objects.create_user("boss", password="x" * 12, is_staff=True)


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_start_a_hunt_from_the_page(live_server, ready, hunt_page, huey_immediate):
    page = hunt_page
    page.goto(f"{live_server.url}/accounts/login/?next=/monitoring/hunts/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "x" * 12)
    page.click("button.primary")
    page.wait_for_url("**/monitoring/hunts/")
    assert "No hunts yet." in page.inner_text("main")
    page.fill("#hunt-from", "2013-03-05")
    page.fill("#hunt-to", "2013-03-05")
    _shot(page, "hunts-empty")
    page.click("#start button.primary")
    page.wait_for_url("**/monitoring/hunts/*/")
    assert page.get_attribute("[data-hunt-status]", "data-hunt-status") == "done"
    body = page.inner_text("main")
    assert "SSH brute force" in body and "Hunt started" in body
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, width  # nothing wider than the screen
    _shot(page, "hunt-done")
    hunt_id = page.url.rstrip("/").rsplit("/", 1)[1]
    page.click("nav.roundnav >> text=Alerts")
    page.wait_for_url("**/monitoring/alerts/")
    assert page.locator(f'[data-hunt="{hunt_id}"]').count() >= 5
    _shot(page, "alerts-with-hunts")
    page.click(f'[data-hunt="{hunt_id}"] >> nth=0')
    page.wait_for_url(f"**/monitoring/hunts/{hunt_id}/")
    page.goto(f"{live_server.url}/monitoring/hunts/")
    assert page.locator(f"#hunt-{hunt_id}").inner_text().count("Done") == 1
    _shot(page, "hunts-list")
