"""The requests API: list, file and read with a token; approving and rejecting only from a browser
session (never a token), by the request's approvers; in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.access import requests_fixtures
from tests.access.requests_fixtures import ADMINS, MAI, members
from tests.conftest import api_key

office = requests_fixtures.office
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


def token_client(person) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(person.user)}")
    return client


def session_client(person) -> APIClient:
    client = APIClient()
    client.force_login(person.user)
    return client


def test_filed_with_a_token_decided_in_browser_sessions_applied_in_slapd(office):
    created = token_client(office.clerk).post(
        "/api/access/requests/",
        {
            "employee_id": "E006",
            "system": "dir",
            "group": "admins",
            "justification": "งานผู้ดูแลระบบ",
            "until": None,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["state"], body["person"], body["right"]) == ("pending", "นางสาวใหม่  เพิ่งมา", "admins")
    url = f"/api/access/requests/{body['id']}/"

    by_token = token_client(office.head_it).post(url + "approve/", {}, format="json")
    assert by_token.status_code == 403
    assert "TOTP" in by_token.json()["detail"]

    not_theirs = session_client(office.head_hr).post(url + "approve/", {}, format="json")
    assert not_theirs.status_code == 404  # another unit's head does not even see it

    no_comment = session_client(office.owner).post(url + "reject/", {"comment": ""}, format="json")
    assert no_comment.status_code == 400
    assert no_comment.json()["detail_th"] == "การไม่อนุมัติต้องระบุเหตุผล"

    assert session_client(office.head_it).post(url + "approve/", {}, format="json").status_code == 200
    done = session_client(office.owner).post(url + "approve/", {"comment": "ตกลง"}, format="json").json()

    assert done["state"] == "applied"
    assert sorted((a["role"], a["person"]) for a in done["approvals"]) == [
        ("owner", "พ.ต.ท.สมศักดิ์  รักษาระบบ"),
        ("unit_head", "นายวีระ  กล้าหาญ"),
    ]
    assert done["grant"]["unlocked"] is True and done["grant"]["applied_at"]
    assert MAI in members(office, ADMINS)
    listed = token_client(office.clerk).get("/api/access/requests/?state=applied").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [body["id"]]
    other = token_client(office.outsider).get("/api/access/requests/").json()
    assert (other["results"] if isinstance(other, dict) else other) == []


def test_the_requests_endpoints_are_in_the_openapi_schema(office):
    paths = token_client(office.clerk).get("/api/schema/?format=json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/access/requests/"])
    assert "post" in paths["/api/access/requests/{id}/approve/"]
    assert "post" in paths["/api/access/requests/{id}/reject/"]
