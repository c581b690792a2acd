"""The problem log's pages and API with roles: the log (filters, overdue marked, other units hidden,
pages), the quick report form's defaults, a problem's page and its change forms, the PDF, the owners'
page with the order's upload; the API's list, create, actions and owners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lakthan.evidence.models import Evidence
from lakthan.problems.models import Problem, ProblemOwner
from lakthan.problems.services import log, owners
from tests.conftest import api_key, pdf_bytes
from tests.problems import problog_fixtures
from tests.problems.problog_fixtures import REPORTED, report

office = problog_fixtures.office
pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(office):
    """An overdue problem of B-IT, a closed one of the checkpoint, one of X (hidden from B's users)."""
    late = report(office, title="อีเมลส่งออกไม่ได้")
    done = log.close_problem(
        report(office, unit=office.cp, severity=3, title="พิมพ์ไม่ได้"),
        fixed_at=REPORTED + timedelta(hours=1),
        fix="เปลี่ยนตลับหมึก",
    )
    other = report(office, unit=office.x, system=office.xweb, title="เว็บไซต์ X ล่ม")
    return late, done, other


def test_the_log_shows_visible_units_marks_overdue_and_filters(client, office, logged):
    late, done, other = logged
    client.force_login(office.users["auditor"])
    page = client.get("/problems/").content.decode()
    assert f'data-problem="{late.pk}" class="pr-overdue"' in page
    assert f'data-problem="{done.pk}"' in page and f'data-problem="{other.pk}"' not in page
    assert "เว็บไซต์ X ล่ม" not in page
    assert 'class="button primary" href="/problems/add/"' not in page  # an auditor adds nothing
    only_closed = client.get("/problems/?status=closed").content.decode()
    assert f'data-problem="{done.pk}"' in only_closed and f'data-problem="{late.pk}"' not in only_closed
    by_severity = client.get("/problems/?severity=3&unit=B-IT-1").content.decode()
    assert f'data-problem="{done.pk}"' in by_severity and f'data-problem="{late.pk}"' not in by_severity
    overdue = client.get("/problems/?overdue=1").content.decode()
    assert f'data-problem="{late.pk}"' in overdue and f'data-problem="{done.pk}"' not in overdue
    assert 'data-problem="' not in client.get("/problems/?from=2013-07-12").content.decode()
    assert client.get("/problems/?unit=X").status_code == 404
    assert client.get("/problems/?severity=9").status_code == 400
    assert client.get(f"/problems/{other.pk}/").status_code == 404


def test_the_log_is_paginated(client, office, logged, monkeypatch):
    from lakthan.problems import problem_views

    monkeypatch.setattr(problem_views, "PAGE_SIZE", 1)
    client.force_login(office.users["auditor"])
    first = client.get("/problems/?status=").content.decode()
    assert first.count('data-problem="') == 1 and 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/problems/?page=2").content.decode()
    assert second.count('data-problem="') == 1 and 'rel="prev"' in second and 'rel="next"' not in second


def test_the_add_form_defaults_to_the_users_unit_and_now_and_saves(client, office):
    owners.add_owner(office.mail, office.central, order=office.order)
    client.force_login(office.users["collector"])
    form = client.get("/problems/add/").content.decode()
    assert '<option value="B-IT" selected>' in form
    assert '<option value="1">1 ' in form and "B-IT-1" in form
    now = timezone.localtime()
    response = client.post(
        "/problems/add/",
        {
            "unit": "B-IT-1",
            "reported_at": f"{now:%Y-%m-%d %H:%M}",
            "severity": "1",
            "system": "mail",
            "title": "อีเมลช้า",
            "detail": "",
            "reported_by": "ด.ต. ทดสอบ",
            "assignee": "",
        },
    )
    problem = Problem.objects.get(title="อีเมลช้า")
    assert response.status_code == 302 and response["Location"] == f"/problems/{problem.pk}/"
    assert (
        problem.unit == office.cp
        and problem.assignee == office.central
        and problem.created_by == "collector-p"
    )
    future = client.post(
        "/problems/add/",
        {"unit": "B-IT", "reported_at": "2099-01-01 09:00", "severity": "2", "title": "อนาคต"},
    )
    assert future.status_code == 200 and "อยู่ในอนาคต" in future.content.decode()
    assert not Problem.objects.filter(title="อนาคต").exists()


def test_only_collectors_of_the_unit_may_add_or_change(client, office, logged):
    late, _done, _other = logged
    client.force_login(office.users["auditor"])
    assert client.get("/problems/add/").status_code == 403
    assert client.post(f"/problems/{late.pk}/start/", {"note": ""}).status_code == 403
    page = client.get(f"/problems/{late.pk}/").content.decode()
    assert 'data-testid="form-close"' not in page and 'data-testid="problem-pdf"' in page
    client.force_login(office.users["xadmin"])
    assert client.post(f"/problems/{late.pk}/start/", {"note": ""}).status_code == 404


def test_the_problem_page_changes_it_through_its_forms(client, office, logged):
    late, _done, _other = logged
    client.force_login(office.users["collector"])
    url = f"/problems/{late.pk}/"
    assert 'data-testid="form-close"' in client.get(url).content.decode()
    assert client.post(url + "assign/", {"person": str(office.later.pk), "note": "ด่วน"}).status_code == 302
    assert client.post(url + "start/", {"note": ""}).status_code == 302
    bad = client.post(url + "close/", {"fixed_at": "2013-07-11 08:00", "fix": "แก้แล้ว"})
    assert bad.status_code == 400 and Problem.objects.get(pk=late.pk).status == "in_progress"
    ok = client.post(url + "close/", {"fixed_at": "2013-07-11 15:00", "fix": "แก้แล้ว", "result": "ใช้ได้"})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="form-reopen"' in page and 'data-testid="form-close"' not in page
    assert client.post(url + "cancel/", {"reason": "x"}).status_code == 400
    assert client.post(url + "reopen/", {"reason": "ยังเสีย"}).status_code == 302
    assert [u.status for u in log.history(late)] == ["open", "open", "in_progress", "closed", "open"]
    assert client.post(url + "explode/", {}).status_code == 404
    pdf = client.get(url + "form.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_owners_page_lists_orders_and_adds_an_owner_with_the_scan(client, office, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    owners.add_owner(office.mail, office.central, order=office.order)
    client.force_login(office.users["collector"])
    page = client.get("/problems/owners/").content.decode()
    assert "ระบบไปรษณีย์อิเล็กทรอนิกส์" in page and "๑๒/๒๕๕๖" in page
    response = client.post(
        "/problems/owners/",
        {
            "system": "pibics",
            "person": str(office.local.pk),
            "unit": "B-IT-1",
            "since": "2012-10-01",
            "order_file": SimpleUploadedFile("order.pdf", pdf_bytes("o"), content_type="application/pdf"),
            "order_no": "20/2556",
            "order_date": "2012-10-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    owner = ProblemOwner.objects.get(system=office.pibics)
    assert owner.order.doc_no == "20/2556" and owner.order.kind == Evidence.Kind.ORDER
    missing = client.post("/problems/owners/", {"system": "pibics", "person": str(office.local.pk)})
    assert missing.status_code == 400 and ProblemOwner.objects.count() == 2
    assert client.post(f"/problems/owners/{owner.pk}/remove/").status_code == 302
    owner.refresh_from_db()  # ended yesterday, kept
    assert ProblemOwner.objects.count() == 2 and owner.until == timezone.localdate() - timedelta(days=1)
    client.force_login(office.users["auditor"])
    assert 'data-testid="owner-add"' not in client.get("/problems/owners/").content.decode()


def test_the_api_lists_creates_and_changes_with_roles(office, logged):
    late, done, other = logged
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(office.users['collector'])}")
    listed = api.get("/api/problems/", {"status": "unresolved"}).json()
    ids = [p["id"] for p in (listed["results"] if isinstance(listed, dict) else listed)]
    assert late.pk in ids and done.pk not in ids and other.pk not in ids
    made = api.post(
        "/api/problems/",
        {
            "unit": "B-IT",
            "system": "mail",
            "severity": 3,
            "title": "ช้า",
            "reported_at": "2013-07-12T15:30+07:00",
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["due_at"] == "2013-07-16T08:30:00Z"
    pk = made.json()["id"]
    assert api.post(f"/api/problems/{pk}/start/", {}, format="json").json()["status"] == "in_progress"
    closed = api.post(
        f"/api/problems/{pk}/close/", {"fixed_at": "2013-07-12T16:00+07:00", "fix": "รีสตาร์ต"}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["within_sla"] is True
    twice = api.post(
        f"/api/problems/{pk}/close/", {"fixed_at": "2013-07-12T16:00+07:00", "fix": "x"}, format="json"
    )
    assert twice.status_code == 400
    shown = api.get(f"/api/problems/{pk}/").json()
    assert [u["status"] for u in shown["updates"]] == ["open", "in_progress", "closed"]
    assert api.get(f"/api/problems/{other.pk}/").status_code == 404
    assert (
        api.post(
            "/api/problems/",
            {"unit": "X", "severity": 1, "title": "t", "reported_at": "2013-07-12T10:00"},
            format="json",
        ).status_code
        == 404
    )
    owner = api.post(
        "/api/problems/owners/",
        {"system": "mail", "person": office.central.pk, "order": office.order.pk},
        format="json",
    )
    assert owner.status_code == 201 and owner.json()["order"]["doc_no"] == "12/2556"
    assert [o["id"] for o in api.get("/api/problems/owners/").json()] == [owner.json()["id"]]
    auditor = APIClient()
    auditor.credentials(HTTP_AUTHORIZATION=f"Token {api_key(office.users['auditor'])}")
    assert auditor.post(f"/api/problems/{late.pk}/start/", {}, format="json").status_code == 403
    assert auditor.delete(f"/api/problems/owners/{owner.json()['id']}/").status_code == 403
    assert api.delete(f"/api/problems/owners/{owner.json()['id']}/").status_code == 204
