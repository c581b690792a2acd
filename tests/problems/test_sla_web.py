"""The service-level pages and API with roles: every role of the unit reads the summary and the
calendar; only an administrator or supervisor of a top-level unit sets a target or loads a calendar;
another unit's problems are never shown."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lakthan.core.models import RoleGrant
from lakthan.problems.models import SlaTarget, WorkCalendar
from tests.conftest import ROLES, api_key

from .sla_fixtures import make_problem, standard_targets

PERIOD = "unit=A&start=2013-04-01&end=2013-05-31"


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False  # the admin's and supervisor's second factor is not under test


@pytest.fixture
def scene(world):
    standard_targets()
    late = make_problem(
        world.a1, severity=2, reported="2013-04-12 15:00", fixed="2013-04-18 10:00", title="ระบบสารบรรณล่ม"
    )
    ok = make_problem(world.a1, severity=1, reported="2013-04-02 09:00", fixed="2013-04-02 12:00")
    hidden = make_problem(world.b, severity=1, reported="2013-04-03 09:00", title="ปัญหาของหน่วยงาน ข")
    return {"late": late, "ok": ok, "hidden": hidden}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_in_the_unit_reads_the_summary(client, world, scene, role):
    client.force_login(world.users[role])
    response = client.get(f"/problems/sla/?{PERIOD}")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="sla-targets"' in page
    assert f'<tr data-problem="{scene["late"].pk}">' in page and "ระบบสารบรรณล่ม" in page
    assert "ปัญหาของหน่วยงาน ข" not in page
    assert '<span class="value" data-figure="problems">๒</span>' in page
    assert '<span class="value" data-figure="breached">๑</span>' in page
    assert '<tr data-month="2013-04"><td>เมษายน ๒๕๕๖</td>' in page
    assert "/problems/sla/report.pdf?unit=A&amp;start=2013-04-01&amp;end=2013-05-31" in page
    assert ('data-testid="sla-set"' in page) == (role in ("admin", "supervisor"))


def test_another_units_summary_is_not_found(client, world, scene):
    client.force_login(world.users["auditor"])
    assert client.get("/problems/sla/?unit=B&start=2013-04-01&end=2013-05-31").status_code == 404
    assert client.get("/problems/sla/report.pdf?unit=B&start=2013-04-01&end=2013-05-31").status_code == 404
    client.logout()
    assert client.get(f"/problems/sla/?{PERIOD}").status_code == 302


def test_the_summary_pdf(client, world, scene):
    client.force_login(world.users["auditor"])
    response = client.get(f"/problems/sla/report.pdf?{PERIOD}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "role, allowed", [("admin", True), ("supervisor", True), ("collector", False), ("auditor", False)]
)
def test_only_an_administrator_or_supervisor_sets_a_target(client, world, role, allowed):
    client.force_login(world.users[role])
    response = client.post("/problems/sla/set/", {"severity": "2", "hours": "6", "business_hours": "on"})
    if allowed:
        assert response.status_code == 302
        target = SlaTarget.objects.get()
        assert (target.severity, target.hours, target.business_hours, target.set_by) == (
            2,
            6,
            True,
            f"{role}-a",
        )
    else:
        assert response.status_code == 403 and not SlaTarget.objects.exists()


def test_a_supervisor_of_a_division_only_may_not_set_the_agencys_targets(client, world, django_user_model):
    user = django_user_model.objects.create_user("sup-a1", password="x")
    RoleGrant.objects.create(user=user, unit=world.a1, role="supervisor")
    client.force_login(user)
    assert client.post("/problems/sla/set/", {"severity": "1", "hours": "4"}).status_code == 403


def test_a_bad_target_is_named(client, world):
    client.force_login(world.users["admin"])
    response = client.post("/problems/sla/set/", {"severity": "9", "hours": "0"}, follow=True)
    assert response.status_code == 200 and not SlaTarget.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_the_calendar_page_shows_a_years_holidays(client, world):
    client.force_login(world.users["auditor"])
    page = client.get("/problems/calendar/?year=2013").content.decode()
    assert '<tr data-day="2013-04-16">' in page and "วันหยุดชดเชยวันสงกรานต์" in page
    assert "๐๘:๓๐–๑๖:๓๐" in page
    assert 'data-testid="calendar-load"' not in page  # an auditor may not load one
    assert client.get("/problems/calendar/?year=2556").content.decode().count('<tr data-day="2013-') > 10


BAD = b'name: x\noffice_hours: {start: "08:30", end: "16:30"}\nworkdays: [mon, tue]\nholidays:\n  - {day: 2013-13-01, th: x}\n'
GOOD = b'name: agency-2570\noffice_hours: {start: "08:30", end: "16:30"}\nworkdays: [mon, tue, wed, thu, fri]\nholidays:\n  - {day: 2027-04-12, th: "\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\x99\xe0\xb8\xab\xe0\xb8\xa2\xe0\xb8\xb8\xe0\xb8\x94"}\n'


def test_loading_a_calendar_from_the_page(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["auditor"])
    assert (
        client.post("/problems/calendar/load/", {"file": SimpleUploadedFile("a.yaml", GOOD)}).status_code
        == 403
    )
    client.force_login(world.users["admin"])
    response = client.post("/problems/calendar/load/", {"file": SimpleUploadedFile("agency.yaml", BAD)})
    assert response.status_code == 400 and not WorkCalendar.objects.exists()
    assert "agency.yaml: บรรทัด 5: วันที่ 2013-13-01 ไม่ถูกต้อง" in response.content.decode()
    response = client.post("/problems/calendar/load/", {"file": SimpleUploadedFile("agency.yaml", GOOD)})
    assert response.status_code == 302
    assert WorkCalendar.objects.get().name == "agency-2570"
    page = client.get("/problems/calendar/?year=2027").content.decode()
    assert '<tr data-day="2027-04-12">' in page and "admin-a" in page


def test_the_api_summary_targets_and_calendar(world, scene):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world.users['auditor'])}")
    body = api.get("/api/problems/sla/?unit=A&from=2013-04-01&to=2013-05-31").json()
    assert (body["unit"], body["problems"], body["within_sla"]) == ("A", 2, 1)
    assert [b["id"] for b in body["breached"]] == [scene["late"].pk]
    assert body["median_fix_s"] == (3 * 3600 + 11 * 3600) // 2
    assert api.get("/api/problems/sla/?unit=B&from=2013-04-01&to=2013-05-31").status_code == 404
    assert api.get("/api/problems/sla/?unit=A&from=2013-04-01").status_code == 400
    targets = api.get("/api/problems/sla-targets/").json()
    assert [(t["severity"], t["hours"], t["business_hours"]) for t in targets] == [
        (1, 4, False),
        (2, 8, True),
        (3, 16, True),
        (4, None, None),
    ]
    assert (
        api.post("/api/problems/sla-targets/", {"severity": 4, "hours": 40}, format="json").status_code == 403
    )
    cal = api.get("/api/problems/calendar/?year=2013").json()
    assert (
        cal["source"] == "shipped"
        and {
            "day": "2013-04-16",
            "name_th": "วันหยุดชดเชยวันสงกรานต์",
            "name_en": "Substitution holiday for Songkran Festival",
        }
        in cal["holidays"]
    )
    admin = APIClient()
    admin.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world.users['admin'])}")
    created = admin.post(
        "/api/problems/sla-targets/", {"severity": 4, "hours": 40, "business_hours": True}, format="json"
    )
    assert created.status_code == 201 and created.json()["hours"] == 40
    assert (
        admin.post("/api/problems/sla-targets/", {"severity": 5, "hours": 4}, format="json").status_code
        == 400
    )
