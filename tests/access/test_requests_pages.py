"""The request pages with Django's test client: who sees the approve/reject buttons, who may decide,
the form filed from the web (B.E. date), the list's filters, the PDF download."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.access import requests_fixtures
from tests.access.requests_fixtures import ADMINS, MAI, employee, group, members

office = requests_fixtures.office
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def filed(office):
    from lakthan.access.services.requests import create_request

    return create_request(
        employee=employee("E006"),
        system=office.system,
        group=group("admins"),
        justification="ดูแลระบบแทนผู้ลาศึกษาต่อ",
        requested_by=office.clerk.user,
        actor="suda",
    )


def test_the_form_files_a_request_with_a_buddhist_era_date(office):
    from datetime import date

    from lakthan.access.models import AccessRequest

    client = signed_in(office.clerk)
    page = client.get("/access/requests/new/").content.decode()
    assert "E006 นางสาวใหม่  เพิ่งมา" in page and "E002" not in page  # leavers are not offered
    assert "admins (dir)" in page

    response = client.post(
        "/access/requests/new/",
        {
            "employee": "E006",
            "system": "dir",
            "group": str(group("admins").pk),
            "justification": "ดูแลระบบแทนผู้ลาศึกษาต่อ",
            "until": "31/03/2570",
        },
    )

    request = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/access/requests/{request.pk}/"
    assert (request.until, request.requested_by, request.state) == (
        date(2027, 3, 31),
        office.clerk.user,
        "pending",
    )


def test_the_form_shows_a_refusal_in_thai_on_one_line(office):
    client = signed_in(office.clerk)
    page = client.post(
        "/access/requests/new/",
        {
            "employee": "E006",
            "system": "dir",
            "group": str(group("admins").pk),
            "role_name": "ผู้ตรวจ",
            "justification": "x",
        },
    ).content.decode()
    assert "ระบุสิทธิ์ที่ขอ: กลุ่มของระบบ หรือชื่อบทบาท อย่างใดอย่างหนึ่ง" in page


def test_only_the_approvers_see_the_buttons_and_may_decide(office):
    request = filed(office)
    url = f"/access/requests/{request.pk}/"

    assert 'data-testid="decide"' in signed_in(office.head_it).get(url).content.decode()
    assert 'data-testid="decide"' in signed_in(office.owner).get(url).content.decode()
    clerk_page = signed_in(office.clerk).get(url).content.decode()  # she filed it: reads, cannot decide
    assert "นางสาวใหม่  เพิ่งมา" in clerk_page and 'data-testid="decide"' not in clerk_page
    assert signed_in(office.outsider).get(url).status_code == 404  # another bureau's head

    # the head of HR cannot see IT's request, let alone decide it; the clerk sees it but may not decide
    assert signed_in(office.head_hr).post(url + "decide/", {"decision": "approve"}).status_code == 404
    refused = signed_in(office.clerk).post(url + "decide/", {"decision": "approve"}).content.decode()
    assert "ผู้ยื่นคำขออนุมัติคำขอของตนเองไม่ได้" in refused
    request.refresh_from_db()
    assert request.approvals.count() == 0

    no_comment = signed_in(office.owner).post(url + "decide/", {"decision": "reject", "comment": ""})
    assert "การไม่อนุมัติต้องระบุเหตุผล" in no_comment.content.decode()
    signed_in(office.head_it).post(url + "decide/", {"decision": "approve"})
    assert signed_in(office.owner).post(url + "decide/", {"decision": "approve"}).status_code == 302

    request.refresh_from_db()
    assert request.state == "applied"
    assert MAI in members(office, ADMINS)


def test_the_list_filters_pending_my_approval_and_by_state(office):
    request = filed(office)
    head = signed_in(office.head_it)

    mine = head.get("/access/requests/?mine=1").content.decode()
    assert "คำขอสิทธิ์การเข้าถึง" in mine and "รอการพิจารณาของฉัน (๑)" in mine  # the Thai UI
    assert f'href="/access/requests/{request.pk}/"' in mine
    assert (
        f'href="/access/requests/{request.pk}/"'
        not in signed_in(office.head_hr).get("/access/requests/?mine=1").content.decode()
    )
    assert (
        f'href="/access/requests/{request.pk}/"'
        not in head.get("/access/requests/?state=applied").content.decode()
    )
    assert (
        f'href="/access/requests/{request.pk}/"'
        in head.get("/access/requests/?state=pending").content.decode()
    )


def test_the_pdf_downloads_for_who_may_read_the_request(office):
    request = filed(office)
    response = signed_in(office.clerk).get(f"/access/requests/{request.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert signed_in(office.outsider).get(f"/access/requests/{request.pk}/form.pdf").status_code == 404


def test_marking_applied_by_hand_needs_the_right_to_manage_the_systems_unit(office):
    from lakthan.access.services.requests import decide
    from lakthan.core.models import RoleGrant, Unit

    office.bureau.source.may_write = False
    office.bureau.source.save()
    request = filed(office)
    decide(request, office.head_it, "approve")
    decide(request, office.owner, "approve")
    url = f"/access/requests/{request.pk}/apply/"

    assert signed_in(office.clerk).post(url, {"how": "manual"}).status_code == 403
    RoleGrant.objects.create(user=office.owner.user, unit=Unit.objects.get(code="B"), role="admin")
    assert signed_in(office.owner).post(url, {"how": "manual"}).status_code == 302
    request.refresh_from_db()
    assert request.state == "applied" and request.grant.applied_how == "manual"


def test_an_administrator_without_a_person_reads_every_request_but_decides_none(office, django_user_model):
    request = filed(office)
    admin = django_user_model.objects.create_user("root", password="pw-root", is_staff=True)
    client = Client()
    client.force_login(admin)

    page = client.get(f"/access/requests/{request.pk}/").content.decode()
    assert "นางสาวใหม่  เพิ่งมา" in page and 'data-testid="decide"' not in page
    refused = client.post(f"/access/requests/{request.pk}/decide/", {"decision": "approve"}).content.decode()
    assert "บัญชีนี้ยังไม่ผูกกับบุคคลในหน่วยงาน จึงพิจารณาคำขอไม่ได้" in refused
    request.refresh_from_db()
    assert request.state == "pending"
