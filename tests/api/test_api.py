"""The API with token authentication: the same role rules as the pages, per role, by API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from lakthan.evidence.models import Evidence, EvidenceLink
from tests.conftest import ROLES, api_key, pdf_bytes


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def signed_in(user) -> APIClient:
    """A browser's session whose TOTP code was verified, as after the two-factor step."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = APIClient()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_anonymous_and_bad_token_are_refused(world):
    assert APIClient().get("/api/units/").status_code == 401
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert c.get("/api/evidence/").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_role_reads_only_its_units_by_api(world, role):
    c = api(world.users[role])
    codes = {u["code"] for u in c.get("/api/units/").json()["results"]}
    assert codes == {"A", "A-1"}
    ev_units = {e["unit"] for e in c.get("/api/evidence/").json()["results"]}
    assert ev_units == {"A", "A-1"}
    reports = {r["unit"] for r in c.get("/api/reports/").json()["results"]}
    assert reports == {"A", "A-1"}
    rounds = {r["unit"] for r in c.get("/api/rounds/").json()["results"]}
    assert rounds == {"A", "A-1"}
    b_report, b_ev = world.reports["B"], world.evidence["B"]
    b_result = b_report.results.get(criterion__number=1)
    for url in (
        "/api/units/B/",
        f"/api/reports/{b_report.pk}/",
        f"/api/reports/{b_report.pk}/download/?fmt=html",
        f"/api/evidence/{b_ev.pk}/",
        f"/api/evidence/{b_ev.pk}/file/",
        f"/api/results/{b_result.pk}/",
    ):
        assert c.get(url).status_code == 404, (role, url)
    assert c.get(f"/api/results/?report={b_report.pk}").json()["results"] == []
    assert (
        c.post(
            "/api/reports/",
            {"unit": "B", "fiscal_year": 2556, "months": 6, "indicator": "9.2"},
            format="json",
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_role_cannot_change_another_unit_by_api(world, role):
    c = api(world.users[role])
    b_report, b_ev = world.reports["B"], world.evidence["B"]
    b_result = b_report.results.get(criterion__number=1)
    a_ev = world.evidence["A"]
    attempts = [
        ("patch", f"/api/results/{b_result.pk}/", {"status": "met"}),
        ("patch", f"/api/reports/{b_report.pk}/", {"phone": "1"}),
        ("post", f"/api/reports/{b_report.pk}/sign/", {}),
        ("post", f"/api/reports/{b_report.pk}/accept/", {}),
        ("post", f"/api/evidence/{b_ev.pk}/link/", {"report": b_report.pk, "item": 1}),
    ]
    for method, url, data in attempts:
        assert getattr(c, method)(url, data, format="json").status_code == 404, (role, url)
    # linking one's own evidence into B's report is refused as well (403 for roles without LINK)
    assert c.post(
        f"/api/evidence/{a_ev.pk}/link/", {"report": b_report.pk, "item": 1}, format="json"
    ).status_code in (403, 404)
    r = c.post(
        "/api/evidence/", {"unit": "B", "title": "x", "kind": "order", "url": "https://example.invalid/"}
    )
    assert r.status_code == 404
    assert Evidence.objects.filter(unit=world.b).count() == 1
    assert not EvidenceLink.objects.filter(report=b_report).exists()
    b_result.refresh_from_db()
    assert b_result.status == "undecided"


@pytest.mark.parametrize("role", ROLES)
def test_role_changes_what_it_may_by_api(world, role):
    c = api(world.users[role])
    report = world.reports["A-1"]
    result = report.results.get(criterion__number=1)
    r = c.patch(f"/api/results/{result.pk}/", {"status": "met"}, format="json")
    assert r.status_code == (200 if role in {"admin", "supervisor", "reviewer"} else 403)
    r = c.patch(f"/api/reports/{report.pk}/", {"phone": "02", "actions_taken": ["หนึ่ง"]}, format="json")
    assert r.status_code == (200 if role in {"admin", "supervisor", "collector"} else 403)
    up = c.post(
        "/api/evidence/",
        {"unit": "A-1", "title": "ภาพถ่าย", "kind": "photo", "file": SimpleUploadedFile("p.pdf", pdf_bytes())},
        format="multipart",
    )
    assert up.status_code == (201 if role in {"admin", "supervisor", "collector"} else 403)
    if up.status_code == 201:
        body = up.json()
        assert len(body["revisions"][0]["sha256"]) == 64
        linked = c.post(f"/api/evidence/{body['id']}/link/", {"report": report.pk, "item": 2}, format="json")
        assert linked.status_code == 200 and linked.json()["links"][0]["item"] == 2


def test_supervisor_flow_by_api_score_sign_and_download(world):
    c = api(world.users["supervisor"])
    report = world.reports["A"]
    c.post(f"/api/evidence/{world.evidence['A'].pk}/link/", {"report": report.pk, "item": 1}, format="json")
    body = c.post(f"/api/reports/{report.pk}/propose/").json()
    assert body["results"][0]["proposed_status"] == "met"
    body = c.post(f"/api/reports/{report.pk}/accept/").json()
    assert body["score"]["items_met"] == 1 and body["score"]["weighted_score"] == "0.03"
    # items 2-10 had no evidence, so they were proposed and accepted as not met: all decided, signable;
    # a token may not sign, the person's session does
    refused = c.post(f"/api/reports/{report.pk}/sign/")
    assert refused.status_code == 403 and "not an API token" in refused.json()["detail"]
    session = signed_in(world.users["supervisor"])
    signed = session.post(f"/api/reports/{report.pk}/sign/")
    assert signed.status_code == 200 and signed.json()["signed"] is True and signed.json()["signed_by"]
    locked = c.patch(f"/api/reports/{report.pk}/", {"phone": "1"}, format="json")
    assert locked.status_code == 409 and "reopen" in locked.json()["detail"]
    html = c.get(f"/api/reports/{report.pk}/download/?fmt=html")
    assert html.status_code == 200 and "๙.๒" in html.content.decode()
    no = c.post(f"/api/reports/{report.pk}/reopen/", {"reason": "ทบทวน"}, format="json")
    assert no.status_code == 403 and "โทเค็น API" in no.json()["detail_th"]
    assert (
        session.post(f"/api/reports/{report.pk}/reopen/", {"reason": "ทบทวน"}, format="json").json()["signed"]
        is False
    )


def test_upload_checks_apply_to_the_api(world):
    c = api(world.users["collector"])
    r = c.post(
        "/api/evidence/",
        {
            "unit": "A",
            "title": "x",
            "kind": "order",
            "file": SimpleUploadedFile("../../etc/evil.pdf", b"MZ\x90binary"),
        },
        format="multipart",
    )
    assert r.status_code == 400 and r.json()["detail"]
    assert not Evidence.objects.filter(title="x").exists()


def test_schema_and_docs_page(client, world):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    for path in (
        b"/api/units/",
        b"/api/indicators/",
        b"/api/rounds/",
        b"/api/results/",
        b"/api/evidence/",
        b"/api/checks/",
        b"/api/reports/{id}/download/",
    ):
        assert path in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/api/evidence/{id}/link/" in docs and "<script>" not in docs
