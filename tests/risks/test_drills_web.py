"""Drill pages, the record and incident forms, the escalation button of the alerts page, the report
PDF, and the API (list, retrieve, create, status, schema)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from lakthan.core.models import RoleGrant
from lakthan.inventory.services import add_host
from lakthan.monitoring.models import Alert
from lakthan.risks.models import ContinuityTarget, Drill
from lakthan.risks.services.drills import record_drill
from tests.conftest import api_key
from tests.risks.drill_fixtures import RESTORED, STARTED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def people(org):
    users = {}
    for role, unit in (("admin", org.bureau), ("auditor", org.bureau), ("stranger", org.other)):
        users[role] = get_user_model().objects.create_user(f"{role}-u", password="a-long-test-password")
        RoleGrant.objects.create(user=users[role], unit=unit, role="admin" if role == "stranger" else role)
    return users


def _drill(org, **kw):
    return record_drill(
        unit=org.division,
        systems=["erp"],
        scenario="fire",
        started=STARTED,
        restored=RESTORED,
        title="ซ้อมไฟไหม้ห้องเครื่อง",
        actor="t",
        **kw,
    )


def test_the_record_form_reads_a_be_day_in_bangkok_and_the_page_shows_measured_vs_target(
    client, org, erp, people
):
    ContinuityTarget.objects.create(system=erp, rto_s=3 * 3600, rpo_s=4 * 3600, updated_by="t")
    client.force_login(people["admin"])
    form = client.get("/risks/drills/new")
    assert form.status_code == 200 and "erp" in form.content.decode()
    r = client.post(
        "/risks/drills/new",
        {
            "unit": "B-IT",
            "kind": "drill",
            "scenario": "flood",
            "systems": ["erp"],
            "started": "01/03/2569 21:00",  # Bangkok, B.E.
            "restored": "2026-03-01 18:00Z",
            "title": "ซ้อมน้ำท่วม",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    drill = Drill.objects.get()
    assert drill.started == STARTED
    page = client.get(r["Location"]).content.decode()
    assert "ซ้อมน้ำท่วม" in page
    assert "๔ ชั่วโมง" in page and "๓ ชั่วโมง" in page  # measured 4 h, target 3 h
    assert 'class="badge missed"' in page and 'class="badge met"' in page  # RTO missed, RPO met
    assert "๒ ชั่วโมง ๓๐ นาที" in page  # RPO from the newest backup before the start
    listing = client.get("/risks/drills/").content.decode()
    assert "ซ้อมน้ำท่วม" in listing


def test_a_bad_time_in_the_form_is_named_and_nothing_is_recorded(client, org, erp, people):
    client.force_login(people["admin"])
    r = client.post(
        "/risks/drills/new",
        {
            "unit": "B-IT",
            "kind": "drill",
            "scenario": "fire",
            "systems": ["erp"],
            "started": "เมื่อวาน",
            "restored": "01/03/2569 22:00",
        },
    )
    assert r.status_code == 200 and "เวลาเริ่มไม่ถูกต้อง" in r.content.decode()
    r = client.post(
        "/risks/drills/new",
        {
            "unit": "B-IT",
            "kind": "drill",
            "scenario": "fire",
            "systems": ["erp"],
            "started": "01/03/2569 21:00",
            "restored": "01/03/2569 20:00",
        },
    )
    assert r.status_code == 200 and "เวลากู้คืนก่อนเวลาเริ่ม" in r.content.decode()
    assert not Drill.objects.exists()


def test_who_may_see_and_record(client, org, erp, people):
    drill = _drill(org)
    client.force_login(people["auditor"])
    assert client.get(f"/risks/drills/{drill.pk}/").status_code == 200
    client.force_login(people["stranger"])
    assert client.get(f"/risks/drills/{drill.pk}/").status_code == 404
    assert "ซ้อมไฟไหม้ห้องเครื่อง" not in client.get("/risks/drills/").content.decode()


def test_an_alert_escalated_from_the_alerts_page_and_its_incident_updated(client, org, erp, people):
    add_host("erp01", unit=org.division, systems=[erp])
    first = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    alert = Alert.objects.create(
        rule_id="r",
        rule_title="Web shell upload",
        level="critical",
        host="erp01",
        count=2,
        first=first,
        last=first,
    )
    client.force_login(people["admin"])
    alerts_page = client.get("/monitoring/alerts/").content.decode()
    assert f'action="/risks/alerts/{alert.pk}/escalate"' in alerts_page
    r = client.post(f"/risks/alerts/{alert.pk}/escalate")
    incident = Drill.objects.get(alert=alert)
    assert r.status_code == 302 and r["Location"] == f"/risks/drills/{incident.pk}/"
    assert client.post(f"/risks/alerts/{alert.pk}/escalate")["Location"] == r["Location"]  # once
    page = client.get(r["Location"]).content.decode()
    assert "Web shell upload" in page and "/monitoring/alerts/#alert-" in page  # the way back
    r = client.post(
        f"/risks/drills/{incident.pk}/update",
        {"contained": "01/03/2569 20:30", "restored": "01/03/2569 23:00", "note": "ตัดเครือข่ายแล้วกู้คืน"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    incident.refresh_from_db()
    assert [e["event"] for e in incident.timeline] == ["detected", "contained", "recovered"]
    assert incident.systems.get().rto_s == 3 * 3600


def test_the_drill_report_pdf_is_served(client, org, erp, people):
    _drill(org)
    client.force_login(people["admin"])
    r = client.get("/risks/drills/report.pdf?unit=B-IT&start=01/03/2569&end=31/03/2569")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_the_api_records_lists_and_reports_status(org, erp, people):
    ContinuityTarget.objects.create(system=erp, rto_s=6 * 3600, rpo_s=4 * 3600, updated_by="t")
    admin = api(people["admin"])
    r = admin.post(
        "/api/risk-drills/",
        {
            "unit": "B-IT",
            "systems": ["erp@2026-03-01T22:00+07:00"],  # back before the drill ended
            "scenario": "power",
            "started": "2026-03-01T21:00:00+07:00",
            "restored": "2026-03-02 01:00",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["started"] == "2026-03-01T14:00:00Z"
    assert body["systems"][0]["rto_s"] == 3600 and body["systems"][0]["restored"] == "2026-03-01T15:00:00Z"
    assert body["systems"][0]["rpo_s"] == 9000 and body["systems"][0]["rto_met"] is True
    assert [d["id"] for d in admin.get("/api/risk-drills/?unit=B").json()["results"]] == [body["id"]]
    assert admin.get(f"/api/risk-drills/{body['id']}/").json()["scenario"] == "power"
    status = admin.get("/api/continuity-status/?unit=B-IT").json()
    assert status["systems"][0]["drills"][0]["rpo_s"] == 9000
    assert api(people["auditor"]).post("/api/risk-drills/", {}, format="json").status_code in (400, 403)
    bad = admin.post(
        "/api/risk-drills/",
        {
            "unit": "B-IT",
            "systems": ["erp"],
            "scenario": "power",
            "started": "2026-03-01T21:00",
            "restored": "2026-03-01T20:00",
        },
        format="json",
    )
    assert bad.status_code == 400 and Drill.objects.count() == 1
    paths = admin.get("/api/schema/?format=json").json()["paths"]
    assert {"/api/risk-drills/", "/api/risk-drills/{id}/", "/api/continuity-status/"} <= set(paths)
