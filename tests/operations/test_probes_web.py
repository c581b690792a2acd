"""Probe pages and API with roles: the list (status, TLS warning, run-now), a probe's page with its
uptime picture and months, the add form, incidents, the availability PDF; the API's list, create,
run, availability and incidents; other units' probes hidden."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from lakthan.core.models import RoleGrant
from lakthan.lib.timezones import BANGKOK
from lakthan.operations.models import Probe, ProbeResult
from lakthan.operations.services import probes as svc
from tests.conftest import api_key
from tests.operations import probe_fixtures
from tests.operations.probe_fixtures import HOME_TEXT

web = probe_fixtures.web
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def people(org):
    users = {}
    for role, unit in (("collector", org.division), ("auditor", org.bureau), ("stranger", org.other)):
        users[role] = get_user_model().objects.create_user(f"{role}-u", password="a-long-test-password")
        RoleGrant.objects.create(user=users[role], unit=unit, role="admin" if role == "stranger" else role)
    return users


@pytest.fixture
def probes(org, web):
    portal = svc.add_probe("portal", org.division, url=web + "/", expect_text=HOME_TEXT, every_s=60)
    other = svc.add_probe("elsewhere", org.other, url=web + "/down", every_s=60)
    now = datetime.now(UTC).replace(microsecond=0)
    svc.record_result(portal, now - timedelta(minutes=3), True, "status 200", tls_days_left=12)
    svc.record_result(portal, now - timedelta(minutes=2), False, "status 503, expected 200")
    svc.record_result(
        portal,
        now - timedelta(minutes=1),
        True,
        "status 200; certificate expires in 12 days",
        tls_days_left=12,
    )
    svc.record_result(other, now - timedelta(minutes=1), False, "status 503, expected 200")
    return portal, other


def test_the_list_shows_status_warning_and_only_visible_units(client, people, probes):
    client.force_login(people["auditor"])
    page = client.get("/operations/").content.decode()
    assert 'data-probe="portal"' in page and "elsewhere" not in page
    assert "certificate expires in 12 days" in page and "badge pending" in page
    assert "probe-run" not in page and "/operations/probes/portal/run/" not in page  # an auditor may not run
    client.force_login(people["collector"])
    page = client.get("/operations/").content.decode()
    assert "/operations/probes/portal/run/" in page and "/operations/probes/add/" in page


def test_run_now_needs_the_collector_and_records_a_result(client, people, probes):
    client.force_login(people["auditor"])
    assert client.post("/operations/probes/portal/run/").status_code == 403
    client.force_login(people["stranger"])
    assert client.post("/operations/probes/portal/run/").status_code == 404
    client.force_login(people["collector"])
    assert client.get("/operations/probes/portal/run/").status_code == 405
    r = client.post("/operations/probes/portal/run/", {"next": "index"})
    assert r.status_code == 302 and r["Location"] == "/operations/"
    newest = ProbeResult.objects.filter(probe=probes[0]).order_by("-at").first()
    assert newest.up and newest.detail == "status 200" and newest.etag


def test_a_probe_page_shows_months_incidents_results_and_its_picture(client, people, probes):
    client.force_login(people["auditor"])
    r = client.get("/operations/probes/portal/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "status 503, expected 200" in page and 'data-testid="months"' in page
    assert "/operations/probes/portal/uptime.svg?from=" in page
    svg = client.get("/operations/probes/portal/uptime.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b'data-state="partly"' in svg.content
    assert "default-src 'none'" in svg["Content-Security-Policy"]
    png = client.get("/operations/probes/portal/uptime.png?from=2026-01-01&to=2026-01-31")
    assert png.content.startswith(b"\x89PNG")
    assert client.get("/operations/probes/portal/?from=2026-02-01&to=2026-01-01").status_code == 400
    assert client.get("/operations/probes/elsewhere/").status_code == 404


def test_a_probe_stopped_long_ago_shows_its_last_months_by_default(client, people, org):
    old = svc.add_probe("retired", org.division, url="http://retired.example/", every_s=3600)
    svc.record_results(
        old,
        [
            {"at": datetime(2013, 9, 30, 10, tzinfo=UTC) - timedelta(hours=h), "up": True}
            for h in range(48, 0, -1)
        ],
    )
    client.force_login(people["auditor"])
    page = client.get("/operations/probes/retired/").content.decode()
    assert "from=2013-07-03&amp;to=2013-09-30" in page and "2013-09" in page


def test_incidents_page_lists_open_ones(client, people, probes):
    client.force_login(people["auditor"])
    page = client.get("/operations/incidents/").content.decode()
    assert "portal" in page and "elsewhere" not in page
    page = client.get("/operations/incidents/?open=1").content.decode()
    assert "portal" not in page  # its incident closed at the next result up


def test_the_add_form_adds_and_refuses_bad_input(client, people, org, web):
    client.force_login(people["auditor"])
    assert client.get("/operations/probes/add/").status_code == 403
    client.force_login(people["collector"])
    base = {"name": "intranet", "unit": "B-IT", "status": 200, "every": "2m", "timeout_s": 5}
    r = client.post("/operations/probes/add/", {**base, "url": web + "/", "tcp": "h:1"})
    assert r.status_code == 200 and not Probe.objects.filter(name="intranet").exists()
    r = client.post("/operations/probes/add/", {**base, "url": "gopher://x/"})
    assert r.status_code == 200 and "http" in r.content.decode()
    r = client.post("/operations/probes/add/", {**base, "unit": "X", "url": web + "/"})
    assert r.status_code == 200 and not Probe.objects.filter(name="intranet").exists()  # not a choice
    r = client.post("/operations/probes/add/", {**base, "url": web + "/", "website": "on"})
    assert r.status_code == 302 and r["Location"] == "/operations/probes/intranet/"
    p = Probe.objects.get(name="intranet")
    assert (p.every_s, p.website, p.unit.code, p.created_by) == (120, True, "B-IT", "collector-u")


def test_the_availability_pdf_is_a_thai_table_with_pictures(client, people, probes, tmp_path):
    client.force_login(people["auditor"])
    r = client.get("/operations/availability/B/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "รายงานสภาพความพร้อมใช้งานของระบบสารสนเทศ" in text and "portal" in text
    assert "elsewhere" not in text  # unit X is not under B
    assert "๑๒" in text  # TLS days left, Thai digits
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) >= 3  # header lines + the uptime picture
    assert client.get("/operations/availability/X/report.pdf").status_code == 404


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_api_list_create_run_availability_and_incidents(people, probes, web):
    auditor, collector = api(people["auditor"]), api(people["collector"])
    listed = auditor.get("/api/ops/probes/").json()
    assert [p["name"] for p in listed] == ["portal"]
    assert listed[0]["last"]["status"] == "up" and listed[0]["last"]["tls_warning"] is True
    body = {"name": "api-probe", "unit": "B-IT", "url": web + "/", "every": "1m"}
    assert auditor.post("/api/ops/probes/", body, format="json").status_code == 403
    bad = collector.post("/api/ops/probes/", {**body, "url": "nope"}, format="json")
    assert bad.status_code == 400 and "detail_th" in bad.json()
    created = collector.post("/api/ops/probes/", body, format="json")
    assert created.status_code == 201 and created.json()["every_s"] == 60
    assert auditor.post("/api/ops/probes/api-probe/run/").status_code == 403
    ran = collector.post("/api/ops/probes/api-probe/run/")
    assert ran.status_code == 200 and ran.json()["up"] is True and len(ran.json()["content_sha256"]) == 64
    today = datetime.now(BANGKOK).date()  # the days asked are Bangkok's: after 17:00 UTC it is tomorrow there
    av = auditor.get(f"/api/ops/probes/portal/availability/?from={today - timedelta(days=1)}&to={today}")
    assert av.status_code == 200 and av.json()["probe"] == "portal" and av.json()["down_s"] == 60
    assert auditor.get("/api/ops/probes/portal/availability/?from=x&to=y").status_code == 400
    assert (
        auditor.get("/api/ops/probes/elsewhere/availability/?from=2026-01-01&to=2026-01-02").status_code
        == 404
    )
    incidents = auditor.get("/api/ops/incidents/").json()
    assert [(i["probe"], i["open"], i["duration_s"]) for i in incidents] == [("portal", False, 60)]
    assert api(people["stranger"]).get("/api/ops/incidents/?open=1").json()[0]["probe"] == "elsewhere"


def test_the_api_is_in_the_schema(people):
    schema = api(people["auditor"]).get("/api/schema/").content.decode()
    assert "/api/ops/probes/{name}/availability/" in schema and "/api/ops/incidents/" in schema
