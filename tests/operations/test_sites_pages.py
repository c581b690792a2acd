"""The website pages and API with roles: the table shows the user's units only, a website of another
unit is not found, "check now" needs the collector role (or above) in the website's unit, the PDF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lakthan.operations.models import SiteCheck
from lakthan.operations.services import sites
from tests.conftest import api_key
from tests.operations.site_fixtures import (
    THAI_HOME,
    result,
    site_fixture,  # noqa: F401
    website,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, monkeypatch):
    settings.LAKTHAN_REQUIRE_2FA = False
    settings.LAKTHAN_CHROMIUM = "/nonexistent/chromium"  # the checks here run without a browser
    # availability is the probes part's: a fixed ratio per probe stands in for it here
    monkeypatch.setattr(
        sites, "_real_availability", lambda probe, start, end: {"www-a": 0.995}.get(probe.name)
    )


@pytest.fixture
def webs(world, site):
    site.page("/", THAI_HOME)
    a = website(world.a, "www-a", f"{site.url}/")
    a1 = website(world.a1, "www-a1", "https://a1.example/")
    b = website(world.b, "www-b", "https://b.example/")
    now = timezone.now()
    result(a, now - timedelta(days=1), tls_days_left=12, content_sha256="a" * 64)
    SiteCheck.objects.create(
        probe=a,
        at=now - timedelta(hours=2),
        checklist={
            "contact": {"found": True, "where": f"{site.url}/contact"},
            "faq": {"found": False, "where": ""},
        },
        a11y={
            "critical": 2,
            "serious": 1,
            "moderate": 0,
            "minor": 0,
            "rules": [
                {
                    "id": "image-alt",
                    "impact": "critical",
                    "nodes": 3,
                    "help": "Images must have alternative text",
                    "help_url": "",
                }
            ],
        },
        a11y_engine="axe-core 4.12.1",
    )
    return a, a1, b


def test_the_website_table_shows_the_users_units_only(client, world, webs):
    client.force_login(world.users["auditor"])
    page = client.get("/operations/sites/").content.decode()
    assert 'data-site="www-a"' in page and 'data-site="www-a1"' in page and "www-b" not in page
    assert "๙๙.๕๐%" in page  # availability, Thai digits
    assert '<span class="status not_met">๑๒</span>' in page  # certificate under 30 days
    assert "missing: faq" in page or "ขาด: faq" in page
    only_a1 = client.get("/operations/sites/?unit=A-1").content.decode()
    assert 'data-site="www-a1"' in only_a1 and 'data-site="www-a"' not in only_a1
    assert client.get("/operations/sites/?unit=B").status_code == 404


def test_one_website_shows_its_checklist_rules_and_content_history(client, world, webs):
    client.force_login(world.users["auditor"])
    page = client.get("/operations/sites/www-a/").content.decode()
    assert 'data-item="contact"' in page and "ข้อมูลการติดต่อหน่วยงาน" in page
    assert "<code>image-alt</code>" in page
    assert 'data-testid="content-changes"' in page and "aaaaaaaaaaaaaaaa…" in page
    assert 'data-testid="site-check"' not in page  # an auditor may not check
    assert client.get("/operations/sites/www-b/").status_code == 404


def test_check_now_needs_the_collector_role_in_the_websites_unit(client, world, webs):
    for role in ("auditor", "reviewer"):
        client.force_login(world.users[role])
        assert client.post("/operations/sites/www-a/check/").status_code == 403
    client.force_login(world.users["collector"])
    assert 'data-testid="site-check"' in client.get("/operations/sites/www-a/").content.decode()
    assert client.get("/operations/sites/www-a/check/").status_code == 405
    r = client.post("/operations/sites/www-a/check/")
    assert r.status_code == 302 and r["Location"] == "/operations/sites/www-a/"
    check = SiteCheck.objects.filter(probe__name="www-a").order_by("-at").first()
    assert check.checklist["news"]["found"] and "Chromium is not installed" in check.error
    page = client.get(r["Location"]).content.decode()
    assert "Chromium is not installed" in page
    assert client.post("/operations/sites/www-b/check/").status_code == 404


def test_the_websites_pdf_of_a_visible_unit(client, world, webs):
    client.force_login(world.users["auditor"])
    r = client.get("/operations/sites/report.pdf?unit=A&start=2026-01-01&end=2026-12-31")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert (
        client.get("/operations/sites/report.pdf?unit=B&start=2026-01-01&end=2026-12-31").status_code == 404
    )


def test_the_api_lists_reads_and_checks_websites_with_roles(world, webs):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world.users['auditor'])}")
    listed = api.get("/api/ops/sites/").json()
    assert [s["probe"] for s in listed] == ["www-a", "www-a1"]
    assert listed[0]["a11y"]["critical"] == 2 and listed[0]["checklist_missing"] == ["faq"]
    assert [s["probe"] for s in api.get("/api/ops/sites/?unit=A-1").json()] == ["www-a1"]
    assert api.get("/api/ops/sites/www-b/").status_code == 404
    assert api.post("/api/ops/sites/www-a/check/").status_code == 403
    collector = APIClient()
    collector.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world.users['collector'])}")
    r = collector.post("/api/ops/sites/www-a/check/")
    assert r.status_code == 201
    assert r.json()["checklist"]["news"]["found"] is True and r.json()["checked_at"] is not None
    assert collector.post("/api/ops/sites/www-b/check/").status_code == 404
