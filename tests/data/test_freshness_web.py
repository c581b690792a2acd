"""The freshness page, its picture and document, and /api/data/freshness/: read by anyone who may see the
unit, another unit's datasets never shown; the late ones marked; the round defaults to the fiscal year."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override
from rest_framework.test import APIClient

from lakthan.core.models import RoleGrant
from lakthan.data.freshness_views import default_round, duration_text
from lakthan.lib.thai import format_date
from tests.conftest import ROLES, api_key
from tests.data import freshness_fixtures

fresh, _password_only = freshness_fixtures.fresh, freshness_fixtures._password_only
ROUND = "from=2026-01-01&to=2026-01-31"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_in_the_unit_reads_the_page(client, fresh, role):
    client.force_login(fresh.users[role])
    response = client.get(f"/data/?as_of=2026-01-11&{ROUND}")
    assert response.status_code == 200
    page = response.content.decode()
    with override("th"):  # the catalogue gets this part's strings from /tmp/po/datafresh.th.txt at merge
        assert f"<h1>{gettext('Data freshness')}</h1>" in page
    # judged at the end of 11 January: passports (update of the 9th) and visas are late, marked
    assert '<tr class="expired" data-dataset="passports">' in page
    assert '<tr class="expired" data-dataset="visas">' in page
    assert 'data-testid="freshness-late"' in page and "นางสมศรี  ข้อมูลดี" in page
    assert "crossings" not in page  # B's
    assert "/data/freshness/picture.svg?unit=A&amp;from=2026-01-01&amp;to=2026-01-31" in page
    assert "/data/freshness/report.pdf?unit=A&amp;from=2026-01-01&amp;to=2026-01-31" in page


def test_the_thai_words_and_the_default_round(client, fresh):
    client.force_login(fresh.users["auditor"])
    page = client.get("/data/?unit=A&as_of=2026-01-20", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert '<tr data-dataset="passports">' in page  # current on the 20th
    assert "๒๐ มกราคม ๒๕๖๙" in page  # the moment judged: the end of that day
    first, last = default_round(timezone.localdate())  # the fiscal year today is in
    assert f"{format_date(first, style='long')} – {format_date(last, style='long')}" in page
    assert default_round(date(2026, 12, 5)) == (date(2026, 10, 1), date(2027, 9, 30))
    assert default_round(date(2026, 9, 30)) == (date(2025, 10, 1), date(2026, 9, 30))
    assert duration_text(93784, True) == "1 วัน 2 ชั่วโมง" and duration_text(90, False) == "1 min 30 s"


def test_another_units_datasets_are_not_shown(client, fresh, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", password="x")
    RoleGrant.objects.create(user=outsider, unit=fresh.b, role="auditor")
    client.force_login(outsider)
    own = client.get(f"/data/?{ROUND}").content.decode()
    assert "crossings" in own and "passports" not in own and "visas" not in own
    assert client.get(f"/data/?unit=A&{ROUND}").status_code == 404
    assert client.get(f"/data/freshness/picture.png?unit=A&{ROUND}").status_code == 404
    assert client.get(f"/data/freshness/report.pdf?unit=A&{ROUND}").status_code == 404
    client.logout()
    assert client.get("/data/").status_code == 302  # to the sign-in


def test_bad_input_is_named_not_a_crash(client, fresh):
    client.force_login(fresh.users["auditor"])
    page = client.get("/data/?unit=A&from=2026-02-01&to=2026-01-01")
    assert page.status_code == 400 and "อยู่ก่อนวันเริ่ม" in page.content.decode()
    assert client.get("/data/?as_of=31/02/2569").status_code == 400
    assert client.get("/data/?as_of=2999-01-01").status_code == 400
    assert client.get(f"/data/freshness/picture.gif?{ROUND}").status_code == 404
    assert client.get("/data/freshness/picture.png?from=2026-02-01&to=2026-01-01").status_code == 400


def test_the_picture_and_the_document(client, fresh):
    client.force_login(fresh.users["collector"])
    png = client.get(f"/data/freshness/picture.png?unit=A&{ROUND}")
    assert (
        png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    )
    svg = client.get(f"/data/freshness/picture.svg?unit=A&{ROUND}&download=1")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.decode().count('class="late"') == 2
    assert 'filename="freshness-A-2026-01-01-2026-01-31.svg"' in svg["Content-Disposition"]
    pdf = client.get(f"/data/freshness/report.pdf?unit=A&{ROUND}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'filename="data-A-2026-01-01-2026-01-31.pdf"' in pdf["Content-Disposition"]


def api(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user, 'read')}")
    return c


def test_the_api_answers_the_cli_shape_for_the_units_seen(fresh, django_user_model):
    c = api(fresh.users["reviewer"])
    rows = c.get("/api/data/freshness/?as_of=2026-01-11T12:00%2B07:00").json()
    assert [r["dataset"] for r in rows] == ["passports", "visas"]  # not B's crossings
    assert rows[0]["late_by_s"] == 86400 + 10 * 3600 and rows[0]["expected_every_s"] == 86400
    assert [r["dataset"] for r in c.get("/api/data/freshness/?unit=A-1").json()] == ["visas"]
    assert c.get("/api/data/freshness/?unit=B").status_code == 404
    for bad in ("as_of=yesterday", "as_of=2999-01-01T00:00Z"):
        assert c.get(f"/api/data/freshness/?{bad}").status_code == 400, bad
    table = c.get(f"/api/data/freshness/table/?unit=A&{ROUND}").json()
    assert (table["unit"], table["from"], table["to"]) == ("A", "2026-01-01", "2026-01-31")
    p = table["rows"][0]
    assert p["dataset"] == "passports" and p["quality"]["failing"] == ["rows"]
    assert p["owner_order"] == {"doc_no": "12/2569", "doc_date": "2025-10-01"}
    assert round(p["current_ratio"], 4) == 0.9022
    assert c.get(f"/api/data/freshness/table/?unit=B&{ROUND}").status_code == 404
    for bad in ("unit=A", ROUND, "unit=A&from=x&to=2026-01-31", "unit=A&from=2026-02-01&to=2026-01-01"):
        assert c.get(f"/api/data/freshness/table/?{bad}").status_code == 400, bad
    outsider = django_user_model.objects.create_user("outsider", password="x")
    RoleGrant.objects.create(user=outsider, unit=fresh.b, role="auditor")
    assert [r["dataset"] for r in api(outsider).get("/api/data/freshness/").json()] == ["crossings"]
    assert APIClient().get("/api/data/freshness/").status_code in (401, 403)


def test_the_api_is_in_the_openapi_schema(fresh):
    schema = api(fresh.users["admin"]).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/data/freshness/" in schema and "/api/data/freshness/table/" in schema
