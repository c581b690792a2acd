"""The committee API with roles: readers of the unit list and read, the collector adds a committee,
a member, a meeting with its attendance, a resolution and its follow-up; the findings of a round."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from lakthan.committees.models import Attendance, Meeting
from lakthan.core.services import add_person
from tests.committees.committee_fixtures import NAME, minutes
from tests.conftest import api_key

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return c


def test_the_collector_builds_the_record_through_the_api_and_a_reader_only_reads(world):
    chair = add_person(world.a, "ศุภวิชญ์", "นาคประเสริฐ", title_th="พล.ต.ต.")
    secretary = add_person(world.a, "อรวรรณ", "พึ่งบุญมา", title_th="พ.ต.ท.หญิง")
    api, reader = _client(world.users["collector"]), _client(world.users["auditor"])
    body = {"name": NAME, "unit": "A", "order": world.evidence["A"].pk, "appointed_on": "2012-10-01"}
    assert reader.post("/api/committees/committees/", body, format="json").status_code == 403
    r = api.post("/api/committees/committees/", {**body, "meetings_per_round": 2}, format="json")
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert r.json()["order"] == {"evidence": world.evidence["A"].pk, "doc_no": "", "doc_date": None}
    for person, role in ((chair, "chair"), (secretary, "secretary")):
        r = api.post(
            f"/api/committees/committees/{cid}/members/", {"person": person.pk, "role": role}, format="json"
        )
        assert r.status_code == 201, r.content
    doc = minutes(world.a)
    meeting = {
        "committee": cid,
        "number": "1/2556",
        "held_at": "2013-01-15T09:30",
        "minutes": doc.pk,
        "present": [secretary.pk],
        "absent": [{"person": chair.pk, "reason": "ลาป่วย"}],
    }
    assert reader.post("/api/committees/meetings/", meeting, format="json").status_code == 403
    r = api.post("/api/committees/meetings/", meeting, format="json")
    assert r.status_code == 201, r.content
    m = r.json()
    assert m["held_at"] == "2013-01-15T02:30:00Z" and m["minutes"]["evidence"] == doc.pk
    assert m["absent"] == [{"name": chair.display_name, "reason": "ลาป่วย"}]
    assert Attendance.objects.filter(meeting_id=m["id"], present=True).get().member.person == secretary
    r = api.post(
        "/api/committees/resolutions/",
        {
            "meeting": m["id"],
            "number": 1,
            "text": "จัดหาระบบสำรองข้อมูล",
            "owner": secretary.pk,
            "due": "2013-03-31",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert reader.post(f"/api/committees/resolutions/{rid}/follow-up/", {"status": "done"}).status_code == 403
    r = api.post(
        f"/api/committees/resolutions/{rid}/follow-up/", {"status": "done", "note": "ส่งมอบแล้ว"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "done" and "ส่งมอบแล้ว" in r.json()["follow_up"]
    again = api.post(f"/api/committees/resolutions/{rid}/follow-up/", {"status": "in_progress", "note": "x"})
    assert again.status_code == 400  # done is final
    listing = reader.get("/api/committees/committees/").json()
    assert [c["name"] for c in listing] == [NAME] and listing[0]["last_meeting"]["number"] == "1/2556"
    assert (
        reader.get(f"/api/committees/committees/{cid}/").json()["meetings"][0]["resolutions"][0]["status"]
        == "done"
    )
    assert reader.get("/api/committees/resolutions/?status=open").json() == []
    findings = reader.get("/api/committees/findings/?unit=A&from=2012-10-01&to=2013-09-30").json()
    # met once of the two required; the resolution was done today, long after FY 2556 ended
    assert [f["kind"] for f in findings["findings"]] == ["not_met", "overdue_resolution"]


def test_a_meeting_with_a_non_member_is_refused_and_nothing_is_stored(world):
    outsider = add_person(world.a, "ภูริพัฒน์", "เจริญสุขสันต์", title_th="ร.ต.อ.")
    api = _client(world.users["collector"])
    cid = api.post("/api/committees/committees/", {"name": NAME, "unit": "A"}, format="json").json()["id"]
    r = api.post(
        "/api/committees/meetings/",
        {"committee": cid, "number": "1/2556", "held_at": "2013-01-15T09:30", "present": [outsider.pk]},
        format="json",
    )
    assert r.status_code == 400 and "not a member" in r.content.decode()
    assert not Meeting.objects.exists()


def test_other_units_committees_do_not_show_and_findings_need_a_visible_unit(world, django_user_model):
    from lakthan.core.models import RoleGrant

    api = _client(world.users["collector"])
    api.post("/api/committees/committees/", {"name": NAME, "unit": "A"}, format="json")
    other = django_user_model.objects.create_user("admin-b", password=world.password)
    RoleGrant.objects.create(user=other, unit=world.b, role="admin")
    b = _client(other)
    assert b.get("/api/committees/committees/").json() == []
    assert b.get("/api/committees/findings/?unit=A").status_code == 404
    own = b.get("/api/committees/findings/?unit=B&from=2012-10-01&to=2013-09-30").json()
    assert [f["kind"] for f in own["findings"]] == ["no_committee"]
    assert b.post("/api/committees/committees/", {"name": "x", "unit": "A"}, format="json").status_code == 404
    assert date(2012, 10, 1).isoformat() == own["from"]


def test_a_committee_id_too_large_for_a_row_is_not_found_not_a_server_error(world):
    api = _client(world.users["collector"])
    for path in ("/api/committees/resolutions/", "/api/committees/meetings/"):
        assert api.get(path, {"committee": "72025884621670227968"}).status_code == 404
        assert api.get(path, {"committee": "x"}).status_code == 404
        assert api.get(path, {"committee": "1"}).status_code == 200
