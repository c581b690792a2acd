"""The register's pages with Django's test client: the list and a risk's page for a VIEW user, the
forms refused to one who may not manage, a risk added and edited from the web (a B.E. date), the
acceptance form, the XLSX upload listing every bad row and the download."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.risks import register_fixtures
from tests.risks.register_fixtures import add
from tests.risks.test_register_xlsx import agency_sheet

bureau = register_fixtures.bureau
pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_viewer_sees_the_register_with_coloured_levels_and_a_risk_with_its_history(bureau):
    from lakthan.risks.services.register import update_risk

    risk = add(bureau)
    update_risk(risk, actor="somchai", reason="ทบทวน", likelihood=2)
    add(bureau, unit=bureau.x, system=bureau.xsys, owner=bureau.other, title="ความเสี่ยงของหน่วยอื่น")
    client = signed_in(bureau.viewer)
    page = client.get("/risks/").content.decode()
    assert "รหัสผ่านผู้ดูแลระบบรั่วไหล" in page and "ความเสี่ยงของหน่วยอื่น" not in page
    badge = re.search(r'<span class="rk-level (rk-m\d+-medium)" title="medium">ปานกลาง</span>', page)
    assert badge is not None
    css = client.get("/risks/levels.css").content.decode()
    assert f".{badge.group(1)} {{ background: #f9a825; color: #000; }}" in css
    assert "เพิ่มความเสี่ยง" not in page  # a viewer is offered no form

    detail = client.get(f"/risks/register/{risk.ref}/").content.decode()
    assert "ภัยคุกคาม" in detail or "Threat" in detail
    assert "ผู้ไม่หวังดีเดารหัสผ่าน" in detail and "ทบทวน" in detail and "somchai" in detail
    assert re.search(r"<del>๔</del> → ๒", detail) and re.search(r"<del>สูงมาก</del> → ปานกลาง", detail)
    assert re.search(r"๒๕[๖๗][๐-๙]", detail)  # the revision's time in B.E.
    assert client.get("/risks/register/R-0002/").status_code == 404  # another unit's risk does not leak

    filtered = client.get("/risks/?level=very_high&status=all").content.decode()
    assert "รหัสผ่านผู้ดูแลระบบรั่วไหล" not in filtered


def test_the_forms_are_refused_to_a_user_who_may_not_manage(bureau):
    risk = add(bureau)
    client = signed_in(bureau.viewer)
    for url in (
        "/risks/register/add/",
        f"/risks/register/{risk.ref}/edit/",
        f"/risks/register/{risk.ref}/accept/",
        "/risks/register/import/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert risk.revisions.count() == 1


def test_a_manager_adds_edits_and_accepts_a_risk_from_the_web(bureau):
    from lakthan.risks.models import Risk

    client = signed_in(bureau.admin)
    form = client.get("/risks/register/add/").content.decode()
    assert "5 สูงมาก" in form
    response = client.post(
        "/risks/register/add/",
        {
            "unit": "B-IT",
            "system": "hr",
            "title": "ฐานข้อมูลบุคลากรเสียหาย",
            "likelihood": "3",
            "impact": "4",
            "residual_likelihood": "",
            "residual_impact": "",
            "treatment": "mitigate",
            "owner": str(bureau.owner.pk),
            "due": "31/03/2570",
            "treatment_status": "planned",
            "reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    risk = Risk.objects.get()
    assert (risk.ref, risk.level, str(risk.due)) == ("R-0001", "high", "2027-03-31")
    refused = client.post(
        f"/risks/register/{risk.ref}/edit/",
        {
            "unit": "B-IT",
            "system": "hr",
            "title": "ฐานข้อมูลบุคลากรเสียหาย",
            "likelihood": "3",
            "impact": "4",
            "residual_likelihood": "2",
            "residual_impact": "",
            "treatment": "mitigate",
            "treatment_status": "planned",
        },
    )
    assert "ต้องระบุโอกาสและผลกระทบหลังควบคุมทั้งคู่" in refused.content.decode()
    client.post(
        f"/risks/register/{risk.ref}/edit/",
        {
            "unit": "B-IT",
            "system": "hr",
            "title": "ฐานข้อมูลบุคลากรเสียหาย",
            "likelihood": "3",
            "impact": "4",
            "residual_likelihood": "1",
            "residual_impact": "2",
            "treatment": "mitigate",
            "owner": str(bureau.owner.pk),
            "due": "31/03/2570",
            "treatment_status": "in_progress",
            "reason": "ติดตั้งระบบสำรองแล้ว",
        },
    )
    risk.refresh_from_db()
    assert (risk.residual_level, risk.treatment_status, risk.revisions.count()) == ("low", "in_progress", 2)

    accept_page = client.get(f"/risks/register/{risk.ref}/accept/").content.decode()
    assert "สมหญิง" in accept_page and "สมชาย" not in accept_page  # the owner is not offered
    assert (
        client.post(
            f"/risks/register/{risk.ref}/accept/", {"approver": str(bureau.head.pk), "expires": "30/09/2570"}
        ).status_code
        == 302
    )
    risk.refresh_from_db()
    assert risk.accepted_by == bureau.head and str(risk.acceptance_expires) == "2027-09-30"


def test_the_upload_lists_every_bad_row_and_the_download_reads_back(bureau):
    from lakthan.risks.models import Risk

    add(bureau)
    client = signed_in(bureau.admin)
    bad = agency_sheet(
        [1, "NOPE", "", "ก", "", "", 1, 1, None, None, None, None, "ลด", "", "", None, None],
        [2, "B-IT", "", "ข", "", "", 9, 1, None, None, None, None, "ไม่รู้", "", "", None, None],
    )
    page = client.post("/risks/register/import/", {"file": io.BytesIO(bad)}).content.decode()
    page = page.replace("&#x27;", "'")
    assert "bad.xlsx" not in page and "ไม่พบหน่วยงานรหัส NOPE" in page
    assert re.search(r"<li>[^<]*:4 \(หน่วยงาน\): ไม่พบหน่วยงานรหัส NOPE</li>", page)
    assert re.search(r"<li>[^<]*:5 \(โอกาส\): 9 อยู่นอกเมทริกซ์", page)
    assert re.search(r"<li>[^<]*:5 \(การจัดการ\): ไม่รู้จักการจัดการ 'ไม่รู้'", page)
    assert Risk.objects.count() == 1

    download = client.get("/risks/register/export.xlsx?unit=B")
    assert download["Content-Disposition"] == 'attachment; filename="risks-B.xlsx"'
    rows = list(load_workbook(io.BytesIO(download.content)).active.values)
    assert rows[1][0] == "R-0001" and rows[1][3] == "รหัสผ่านผู้ดูแลระบบรั่วไหล"
    upload = io.BytesIO(download.content)
    upload.name = "risks-B.xlsx"
    done = client.post("/risks/register/import/", {"file": upload}).content.decode()
    assert "risks-B.xlsx" in done and "rk-done" in done and "rk-problems" not in done
    assert Risk.objects.get().revisions.count() == 1
