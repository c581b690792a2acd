"""The continuity pages and API: targets (a critical system without a target marked), a target's and a
scenario's form for MANAGE only, the plan page with its downloads and approvals, approval for DECIDE
only; the endpoints in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lakthan.core.models import RoleGrant
from lakthan.evidence.services import blob_store
from lakthan.risks.models import ContinuityTarget, PlanApproval, Scenario
from lakthan.risks.services.continuity import set_target
from tests.conftest import api_key
from tests.risks.continuity_setup import HOUR


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def people(bcp_org, django_user_model):
    """admin (MANAGE and DECIDE), reviewer (DECIDE), auditor (VIEW) in B; an outsider in X."""
    users = {}
    for role, unit in (
        ("admin", bcp_org.unit),
        ("reviewer", bcp_org.unit),
        ("auditor", bcp_org.unit),
        ("admin-x", bcp_org.other),
    ):
        user = django_user_model.objects.create_user(role, password="x" * 12)
        RoleGrant.objects.create(user=user, unit=unit, role=role.split("-")[0])
        users[role] = user
    return users


def test_the_targets_page_marks_critical_systems_without_a_target(client, bcp_org, people):
    set_target("db", rto_s=4 * HOUR, rpo_s=HOUR, actor="t")
    client.force_login(people["auditor"])
    page = client.get("/risks/continuity/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert 'class="rk-missing" data-system="erp"' in page and 'class="rk-missing" data-system="net"' in page
    assert 'class="rk-missing" data-system="db"' not in page and 'data-system="web"' in page
    assert "x-mail" not in page  # another unit's system
    assert "/risks/continuity/systems/db/edit/" not in page  # no MANAGE: no edit link


def test_a_target_is_edited_by_manage_only(client, bcp_org, people):
    url = "/risks/continuity/systems/erp/edit/"
    form = {"rto": "4h", "rpo": "30m", "mtd": "1d", "depends_on": ["db"], "manual_procedure": "ใช้กระดาษ"}
    client.force_login(people["reviewer"])
    assert client.get(url).status_code == 403
    assert client.post(url, form).status_code == 403
    client.force_login(people["admin-x"])
    assert client.get(url).status_code == 404  # another unit's system is not even seen
    client.force_login(people["admin"])
    assert client.get(url).status_code == 200
    bad = client.post(url, {**form, "rto": "soon"})
    assert bad.status_code == 200 and "ไม่ใช่ระยะเวลา (เช่น 30m, 4h, 1d)" in bad.content.decode()  # Thai first
    longer = client.post(url, {**form, "rto": "2d"})
    assert "ต้องไม่นานกว่า MTD" in longer.content.decode()  # the page speaks Thai
    assert not ContinuityTarget.objects.exists()
    assert client.post(url, form).status_code == 302
    target = ContinuityTarget.objects.get(system__code="erp")
    assert (target.rto_s, target.mtd_s, [s.code for s in target.depends_on.all()]) == (14400, 86400, ["db"])


def test_scenarios_are_listed_loaded_and_edited_by_manage_only(client, bcp_org, people):
    client.force_login(people["auditor"])
    assert client.get("/risks/continuity/units/B/scenarios/").status_code == 200
    assert client.post("/risks/continuity/units/B/scenarios/load-default/").status_code == 403
    assert client.get("/risks/continuity/units/B/scenarios/fire/edit/").status_code == 403
    client.force_login(people["admin"])
    assert client.post("/risks/continuity/units/B/scenarios/load-default/").status_code == 302
    page = client.get("/risks/continuity/units/B/scenarios/").content.decode()
    assert "แผนรองรับเหตุอุทกภัย" in page and "/risks/continuity/units/B/scenarios/fire/edit/" in page
    edit = "/risks/continuity/units/B/scenarios/power/edit/"
    assert "ตรวจสอบว่าเครื่องสำรองไฟฟ้า" in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "title": "ไฟดับ",
            "steps": "ขั้นที่หนึ่ง\n\nขั้นที่สอง",
            "contacts": "สมศักดิ์ | ช่างไฟ | 1004\n| เวร",
            "alternate_site": "อาคาร ข",
            "systems": ["db"],
        },
    )
    assert response.status_code == 302
    power = Scenario.objects.get(unit=bcp_org.unit, kind="power")
    assert power.steps == ["ขั้นที่หนึ่ง", "ขั้นที่สอง"]
    assert power.contacts == [
        {"name": "สมศักดิ์", "role": "ช่างไฟ", "phone": "1004"},
        {"name": "", "role": "เวร", "phone": ""},
    ]
    assert client.get("/risks/continuity/units/B/scenarios/meteor/edit/").status_code == 404


def test_the_plan_page_downloads_and_approval_by_decide_only(client, bcp_org, people):
    set_target("db", rto_s=4 * HOUR, rpo_s=HOUR, actor="t")
    client.force_login(people["auditor"])
    page = client.get("/risks/continuity/units/B/plan/2569/")
    assert (
        page.status_code == 200
        and "Approve" not in page.content.decode().split("</header>")[1].split("<h2>")[0]
    )
    assert (
        client.post("/risks/continuity/units/B/plan/2569/", {"approver": bcp_org.head.pk}).status_code == 403
    )
    pdf = client.get("/risks/continuity/units/B/plan/2569/plan.pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert client.get("/risks/continuity/units/B/plan/2569/plan.docx").content.startswith(b"PK")
    assert client.get("/risks/continuity/units/B/plan/2569/plan.odt").status_code == 404
    assert client.get("/risks/continuity/units/B/plan/1999/").status_code == 404
    client.force_login(people["reviewer"])
    response = client.post(
        "/risks/continuity/units/B/plan/2569/", {"approver": bcp_org.head.pk, "note": "เห็นชอบ"}
    )
    assert response.status_code == 302
    approval = PlanApproval.objects.get()
    page = client.get("/risks/continuity/units/B/plan/2569/").content.decode()
    assert approval.docx_sha256 in page and approval.pdf_sha256 in page and "status sealed" in page
    approved = client.get("/risks/continuity/units/B/plan/2569/v1.pdf")
    assert (
        approved.status_code == 200
        and approved.content == blob_store().path(approval.pdf_sha256).read_bytes()
    )
    blob_store().path(approval.pdf_sha256).unlink()
    page = client.get("/risks/continuity/units/B/plan/2569/").content.decode()
    assert "status broken" in page and approval.pdf_sha256 in page
    assert client.get("/risks/continuity/units/B/plan/2569/v1.pdf").status_code == 409
    client.force_login(people["admin-x"])
    assert client.get("/risks/continuity/units/B/plan/2569/").status_code == 404


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_the_api_sets_and_lists_targets_scenarios_and_approvals(bcp_org, people):
    admin, auditor = api(people["admin"]), api(people["auditor"])
    denied = auditor.post(
        "/api/continuity-targets/", {"system": "db", "rto": "4h", "rpo": "1h"}, format="json"
    )
    assert denied.status_code == 403
    made = admin.post(
        "/api/continuity-targets/", {"system": "db", "rto": "4h", "rpo": 3600, "mtd": "1d"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["rto_s"] == 14400 and made.json()["criticality"] == 5
    bad = admin.post("/api/continuity-targets/", {"system": "db", "rto": "soon", "rpo": "1h"}, format="json")
    assert bad.status_code == 400
    cycle = admin.post(
        "/api/continuity-targets/",
        {"system": "db", "rto": "4h", "rpo": "1h", "depends_on": ["db"]},
        format="json",
    )
    assert cycle.status_code == 400 and "itself" in cycle.content.decode()
    assert [t["system"] for t in auditor.get("/api/continuity-targets/").json()["results"]] == ["db"]
    assert api(people["admin-x"]).get("/api/continuity-targets/").json()["results"] == []
    scenario = admin.post(
        "/api/continuity-scenarios/",
        {"unit": "B", "kind": "cyber", "steps": ["แยกเครื่อง"], "contacts": [{"role": "ผู้ดูแล"}]},
        format="json",
    )
    assert scenario.status_code == 201 and scenario.json()["steps"] == ["แยกเครื่อง"]
    approved = api(people["reviewer"]).post(
        "/api/continuity-plan-approvals/",
        {"unit": "B", "fiscal_year": 2569, "approver": bcp_org.head.pk},
        format="json",
    )
    assert approved.status_code == 201, approved.content
    listed = auditor.get("/api/continuity-plan-approvals/?unit=B&fy=2569").json()["results"]
    assert listed[0]["version"] == 1 and listed[0]["intact"] is True
    assert (
        auditor.post(
            "/api/continuity-plan-approvals/",
            {"unit": "B", "fiscal_year": 2569, "approver": bcp_org.head.pk},
            format="json",
        ).status_code
        == 403
    )
    schema = auditor.get("/api/schema/").content.decode()
    for path in ("/api/continuity-targets/", "/api/continuity-scenarios/", "/api/continuity-plan-approvals/"):
        assert path in schema
