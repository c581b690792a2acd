"""The events page in Chromium: a search, its second page with the filters kept, a page of 100 events
that stays a page (it was one 34,000-pixel column of JSON)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from lakthan.monitoring.services import hosts as log_hosts
from lakthan.monitoring.services import ingest
from lakthan.monitoring.services import seal as sealing
from tests.conftest import chromium

from .test_logs_web import _lines


@pytest.fixture
def events_page():
    with chromium(timeout=10000) as page:
        yield page


@pytest.fixture
def sealed_250(org):
    """Made before the browser starts: Playwright's event loop forbids the ORM in its thread."""
    log_hosts.add_host("web01", "B-IT")
    ingest.ingest_lines(_lines(250), "syslog")
    sealing.seal()
    get_user_model().objects.create_user("boss", password="x" * 12, is_staff=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_search_and_page_two_in_chromium(live_server, sealed_250, events_page):
    page = events_page
    page.goto(f"{live_server.url}/accounts/login/?next=/monitoring/events/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "x" * 12)
    page.click("button.primary")
    page.wait_for_url("**/monitoring/events/")

    page.select_option("#host", "web01")
    page.fill("#q", "Accepted password")
    page.click("form.card button.primary")
    page.wait_for_url("**q=Accepted*")
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 100
    assert "u249" in rows.first.inner_text()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height

    page.click("a[rel=next]")
    page.wait_for_url("**page=2*")
    assert "host=web01" in page.url and "q=Accepted+password" in page.url
    assert rows.count() == 100 and "u149" in rows.first.inner_text()
    assert page.locator("#q").input_value() == "Accepted password"  # the form keeps the filters too
    assert page.locator("#host").input_value() == "web01"

    details = rows.first.locator("details")
    details.locator("summary").click()
    assert "src_ip" in details.inner_text() and "10.0.0.149" in details.inner_text()
    assert page.evaluate("document.documentElement.scrollHeight") < 6000
