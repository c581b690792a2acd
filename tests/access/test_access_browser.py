"""In Chromium: a unit's reviewer looks at the leavers as of a day, sees the dry run, confirms; the
remediation waits for the worker, and its result lands on the findings page (jobs.js, strict CSP)."""

from __future__ import annotations

import pytest

from tests.access.test_access_pages import agency  # noqa: F401 — fixture
from tests.backups.test_jobs_browser import worker  # noqa: F401 — fixture


@pytest.fixture
def reviewer(agency, settings):  # noqa: F811
    settings.LAKTHAN_REQUIRE_2FA = False
    user = agency.users["reviewer"]
    user.set_password("a-long-test-password")
    user.save()
    return user


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_remediating_leavers_from_the_findings_page(live_server, reviewer, worker, chromium_page):  # noqa: F811
    page = chromium_page
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{live_server.url}/accounts/login/?next=/access/findings/%3Funit%3DA")
    page.fill("#id_username", "reviewer-a")
    page.fill("#id_password", "a-long-test-password")
    page.click("button.primary")
    page.wait_for_url("**/access/findings/**")
    page.fill("#as_of", "30/09/2556")
    page.click("text=แสดง")
    assert "a-app-users:kanda" in page.inner_text("table.ac-findings")
    page.click("[data-testid=remediate]")
    preview = page.inner_text("[data-testid=remediate-preview]")
    assert "a-app-users:kanda" in preview and "เปิดงานให้ผู้ดูแลระบบ" in preview
    page.click("[data-testid=remediate-confirm]")
    page.wait_for_selector("[data-job-state=queued]")

    worker()
    done = page.wait_for_selector("[data-job-state=succeeded]:not([data-job-poll])")
    assert "เปิดงานให้ผู้ดูแล 1 งาน" in done.inner_text()
    assert csp == []
