"""The committee pages with roles: everyone who sees the unit reads; the collector of the unit adds
committees, members, meetings (the quick form: all ticked present, a reason for the unticked,
resolutions as rows) and follows resolutions up; others get 403, other units' committees 404."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from lakthan.committees.models import Attendance, Committee, Meeting
from lakthan.committees.services import committees as csvc
from lakthan.committees.services import meetings as msvc
from lakthan.core.models import RoleGrant
from lakthan.core.services import add_person
from lakthan.evidence.models import Evidence
from tests.committees.committee_fixtures import NAME, bkk
from tests.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def board(world):
    chair = add_person(world.a, "ศุภวิชญ์", "นาคประเสริฐ", title_th="พล.ต.ต.")
    secretary = add_person(world.a, "อรวรรณ", "พึ่งบุญมา", title_th="พ.ต.ท.หญิง")
    c = csvc.add_committee(
        NAME, world.a, order=world.evidence["A"], appointed_on=date(2012, 10, 1), actor="t"
    )
    csvc.add_member(c, chair, "chair", actor="t")
    csvc.add_member(c, secretary, "secretary", actor="t")
    return c


@pytest.fixture
def stranger(world):
    user = get_user_model().objects.create_user("admin-b", password=world.password)
    RoleGrant.objects.create(user=user, unit=world.b, role="admin")
    return user


def test_the_index_lists_the_committee_with_its_members_and_the_fiscal_years_findings(client, world, board):
    client.force_login(world.users["auditor"])
    page = client.get("/committees/").content.decode()
    assert NAME in page and "ศุภวิชญ์" in page and "อรวรรณ" in page
    assert "ประธานกรรมการ" in page or "Chair" in page
    assert 'class="finding-not_met"' in page  # never met in the current fiscal year
    assert "finding-no_order" not in page
    assert "/committees/add/" not in page  # an auditor adds nothing


def test_a_unit_without_a_committee_shows_the_finding_and_others_committees_are_hidden(
    client, world, board, stranger
):
    client.force_login(stranger)
    page = client.get("/committees/").content.decode()
    assert f'href="/committees/{board.pk}/"' not in page and 'class="finding-no_committee"' in page
    assert client.get(f"/committees/{board.pk}/").status_code == 404
    assert client.get(f"/committees/{board.pk}/meetings/add/").status_code == 404


def test_only_the_collector_adds_a_committee_with_its_order(client, world):
    client.force_login(world.users["reviewer"])
    assert client.get("/committees/add/").status_code == 403
    client.force_login(world.users["collector"])
    r = client.post(
        "/committees/add/",
        {
            "unit": "A-1",
            "name": "คณะกรรมการไอทีกอง ก ๑",
            "meetings_per_round": "2",
            "order_file": SimpleUploadedFile("order.pdf", pdf_bytes("o"), "application/pdf"),
            "order_no": "45/2555",
            "order_date": "15/10/2555",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    c = Committee.objects.get(name="คณะกรรมการไอทีกอง ก ๑")
    assert c.unit.code == "A-1" and c.meetings_per_round == 2
    assert c.order.kind == Evidence.Kind.ORDER and c.order.doc_no == "45/2555"
    assert c.order.doc_date == date(2012, 10, 15) and c.appointed_on == date(2012, 10, 15)


def test_the_add_form_refuses_a_duplicate_name_and_keeps_no_order_file(client, world, board):
    client.force_login(world.users["collector"])
    before = Evidence.objects.count()
    r = client.post(
        "/committees/add/",
        {
            "unit": "A",
            "name": NAME,
            "meetings_per_round": "1",
            "order_file": SimpleUploadedFile("order.pdf", pdf_bytes("dup"), "application/pdf"),
            "order_no": "1/2556",
            "order_date": "01/10/2555",
        },
    )
    assert r.status_code == 200 and "มีคณะกรรมการชื่อ" in r.content.decode()
    assert Evidence.objects.count() == before


def test_the_meeting_form_ticks_everyone_and_records_absence_minutes_and_numbered_resolutions(
    client, world, board
):
    client.force_login(world.users["collector"])
    chair, secretary = csvc.members_sorted(board)
    form = client.get(f"/committees/{board.pk}/meetings/add/").content.decode()
    ticked = re.findall(r'<input type="checkbox" name="present_\d+"[^>]*checked', form)
    assert len(ticked) == 2  # every serving member ticked present by default
    r = client.post(
        f"/committees/{board.pk}/meetings/add/",
        {
            "number": "1/2556",
            "held_at": "15/01/2556 09:30",
            "place": "ห้องประชุมชั้น ๓",
            f"present_{secretary.pk}": "on",  # the chair unticked
            f"reason_{chair.pk}": "ไปราชการต่างจังหวัด",
            "agenda": "๑. เรื่องแจ้งเพื่อทราบ",
            "minutes_file": SimpleUploadedFile("minutes.pdf", pdf_bytes("m"), "application/pdf"),
            "minutes_no": "1/2556",
            "minutes_date": "20/01/2556",
            "res_text_1": "อนุมัติแผนจัดหาเครื่องแม่ข่าย",
            "res_owner_1": str(secretary.person_id),
            "res_due_1": "31/03/2556",
            "res_text_2": "",
            "res_text_3": "ให้จัดทำนโยบายสำรองข้อมูล",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    m = Meeting.objects.get()
    assert m.held_at == bkk(2013, 1, 15, 9, 30) and m.minutes.kind == "minutes"
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=m)}
    assert rows[secretary.pk].present and not rows[chair.pk].present
    assert rows[chair.pk].note == "ไปราชการต่างจังหวัด"
    assert [(x.number, x.text) for x in m.resolutions.order_by("number")] == [
        (1, "อนุมัติแผนจัดหาเครื่องแม่ข่าย"),
        (2, "ให้จัดทำนโยบายสำรองข้อมูล"),
    ]
    page = client.get(r["Location"]).content.decode()
    assert "ไปราชการต่างจังหวัด" in page and "อนุมัติแผนจัดหาเครื่องแม่ข่าย" in page


def test_a_future_meeting_is_refused_in_the_form_and_nothing_is_stored(client, world, board):
    client.force_login(world.users["collector"])
    r = client.post(
        f"/committees/{board.pk}/meetings/add/",
        {
            "number": "9/2599",
            "held_at": "01/01/2599 09:00",
            "minutes_file": SimpleUploadedFile("minutes.pdf", pdf_bytes("f"), "application/pdf"),
        },
    )
    assert r.status_code == 200 and "อนาคต" in r.content.decode()
    assert not Meeting.objects.exists() and not Evidence.objects.filter(kind="minutes").exists()


def test_the_resolutions_page_follows_up_and_keeps_the_note(client, world, board):
    m = msvc.add_meeting(board, number="1/2556", held_at=bkk(2013, 1, 15, 9), actor="t")
    res = msvc.add_resolution(m, number=1, text="จัดซื้อไฟร์วอลล์", due=date(2013, 2, 1), actor="t")
    client.force_login(world.users["auditor"])
    listing = client.get("/committees/resolutions/").content.decode()
    assert "จัดซื้อไฟร์วอลล์" in listing and "followup-form" not in listing
    assert client.post(f"/committees/resolutions/{res.pk}/follow-up/", {"status": "done"}).status_code == 403
    client.force_login(world.users["collector"])
    assert "followup-form" in client.get("/committees/resolutions/").content.decode()
    r = client.post(
        f"/committees/resolutions/{res.pk}/follow-up/", {"status": "in_progress", "note": "ออก TOR แล้ว"}
    )
    assert r.status_code == 302
    bad = client.post(f"/committees/resolutions/{res.pk}/follow-up/", {"status": "dropped", "note": ""})
    assert bad.status_code == 400 and "เหตุผล" in bad.content.decode()
    res.refresh_from_db()
    assert res.status == "in_progress" and "ออก TOR แล้ว" in res.follow_up


def test_members_are_added_on_the_committee_page_by_the_collector_only(client, world, board):
    person = add_person(world.a, "ชลธิชา", "รุ่งเรืองศรี", title_th="ร.ต.อ.หญิง")
    client.force_login(world.users["auditor"])
    page = client.get(f"/committees/{board.pk}/").content.decode()
    assert "id_person" not in page
    assert client.post(f"/committees/{board.pk}/", {"person": person.pk, "role": "member"}).status_code == 403
    client.force_login(world.users["collector"])
    r = client.post(f"/committees/{board.pk}/", {"person": person.pk, "role": "assistant_secretary"})
    assert r.status_code == 302
    assert board.members.filter(person=person, role="assistant_secretary").exists()


def test_the_record_pdf_downloads_for_a_reader_of_the_unit(client, world, board):
    client.force_login(world.users["auditor"])
    r = client.get("/committees/record.pdf?unit=A&start=2012-10-01&end=2013-09-30")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert client.get("/committees/record.pdf?unit=B").status_code == 404


def test_the_meetings_page_lists_meetings_with_attendance_counts(client, world, board):
    chair, secretary = csvc.members_sorted(board)
    msvc.add_meeting(
        board,
        number="2/2556",
        held_at=bkk(2013, 5, 2, 13, 30),
        attendees=[secretary],
        absent={chair: "ลา"},
        actor="t",
    )
    client.force_login(world.users["auditor"])
    page = client.get("/committees/meetings/").content.decode()
    assert "๒/๒๕๕๖" in page or "2/2556" in page
    assert 'class="badge missed"' in page  # no minutes
