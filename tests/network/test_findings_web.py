"""The findings page, its two documents and the API, each showing a user only the findings of the units
they may see (registered there or in their prefixes)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_key
from tests.network.findings_fixtures import bangkok, prefix, register, seen

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def net(world, django_user_model):
    from lakthan.core.models import RoleGrant

    prefix("10.1.0.0/16", world.a, "สำนักงาน ก")
    prefix("10.1.5.0/24", world.a1, "กอง ก ๑")
    prefix("10.2.0.0/16", world.b, "สำนักงาน ข")
    register("10.1.0.5", world.a, hostname="a-stale")  # never seen
    seen("10.1.5.9", bangkok(DAY - timedelta(days=1)), mac="aa:bb:cc:00:00:09")  # unregistered in A-1
    seen("10.2.0.9", bangkok(DAY - timedelta(days=1)))  # unregistered in B
    register("10.2.0.10", world.b, hostname="b-stale")
    stranger = django_user_model.objects.create_user("viewer-b", password=world.password)
    RoleGrant.objects.create(user=stranger, unit=world.b, role="auditor")
    world.users["viewer-b"] = stranger
    return world


def test_the_page_shows_the_findings_of_the_users_units_with_counts(client, net):
    client.force_login(net.users["auditor"])
    page = client.get("/network/findings/", {"as_of": DAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "10.1.5.9" in html and "10.1.0.5" in html and "a-stale" in html
    assert "10.2.0.9" not in html and "b-stale" not in html
    assert "๓๐ มิถุนายน ๒๕๖๙" in html  # the day judged
    assert "ไม่เคยพบการใช้งาน" in html and "พบล่าสุด ๒๙ มิ.ย. ๒๕๖๙ MAC AA:BB:CC:00:00:09" in html  # Thai details
    assert page.context["total"] == 2
    assert dict((k, n) for k, _, n in page.context["counts"]) == {
        "unregistered": 1,
        "mac_mismatch": 0,
        "stale": 1,
        "outside_plan": 0,
        "duplicate_registration": 0,
    }
    stale = client.get("/network/findings/", {"as_of": DAY.isoformat(), "kind": "stale"})
    assert [f["address"] for f, _, _ in stale.context["rows"]] == ["10.1.0.5"]
    division = client.get("/network/findings/", {"as_of": DAY.isoformat(), "unit": "A-1"})
    assert [f["address"] for f, _, _ in division.context["rows"]] == ["10.1.5.9"]
    assert 'data-testid="findings-pdf"' in division.content.decode()
    assert client.get("/network/findings/", {"unit": "B"}).status_code == 404


def test_the_other_bureau_sees_only_its_own(client, net):
    client.force_login(net.users["viewer-b"])
    rows = client.get("/network/findings/", {"as_of": DAY.isoformat()}).context["rows"]
    assert sorted(f["address"] for f, _, _ in rows) == ["10.2.0.10", "10.2.0.9"]


def test_the_documents_of_a_unit_the_user_may_see(client, net):
    client.force_login(net.users["auditor"])
    for name in ("findings.pdf", "plan.pdf"):
        r = client.get(f"/network/findings/{name}", {"unit": "A", "as_of": DAY.isoformat()})
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
        assert client.get(f"/network/findings/{name}", {"unit": "B"}).status_code == 404
        assert client.get(f"/network/findings/{name}").status_code == 404  # a unit is needed


def test_signed_out_visitors_are_sent_to_sign_in(client, net):
    assert client.get("/network/findings/").status_code == 302
    assert client.get("/network/findings/plan.pdf?unit=A").status_code == 302


def test_the_api_lists_the_findings_by_kind_and_unit(net):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(net.users['auditor'])}")
    r = api.get("/api/network/findings/", {"as_of": DAY.isoformat()})
    assert r.status_code == 200, r.content
    assert r.json() == [
        {"kind": "stale", "address": "10.1.0.5", "detail": "never seen", "unit": "A", "hostname": "a-stale"},
        {
            "kind": "unregistered",
            "address": "10.1.5.9",
            "detail": "last seen 2026-06-29, MAC AA:BB:CC:00:00:09",
            "unit": "A-1",
            "hostname": "",
        },
    ]
    only = api.get(
        "/api/network/findings/", {"as_of": DAY.isoformat(), "kind": "unregistered", "unit": "A-1"}
    )
    assert [f["address"] for f in only.json()] == ["10.1.5.9"]
    assert api.get("/api/network/findings/", {"kind": "nonsense"}).status_code == 400
    assert api.get("/api/network/findings/", {"as_of": "yesterday"}).status_code == 400
    assert api.get("/api/network/findings/", {"unit": "B"}).status_code == 404
    assert APIClient().get("/api/network/findings/").status_code in (401, 403)
