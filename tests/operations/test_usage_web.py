"""The item-4 page, its chart and document, and /api/ops/usage/: read by anyone who may see the unit,
another unit's figures never shown; the page highlights the silent installations."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.translation import gettext, override
from rest_framework.test import APIClient

from lakthan.core.models import RoleGrant
from lakthan.operations.usage_views import default_period
from tests.conftest import ROLES, api_key
from tests.operations import usage_fixtures

scene, _password_only = usage_fixtures.scene, usage_fixtures._password_only  # the module's fixtures
PERIOD = "unit=A&from=2026-01-01&to=2026-02-28"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_in_the_unit_reads_the_page(client, world, scene, role):
    client.force_login(world.users[role])
    response = client.get(f"/operations/usage/?{PERIOD}")
    assert response.status_code == 200
    page = response.content.decode()
    with override("th"):  # the catalogue gets this part's strings from /tmp/po/usage.th.txt at merge
        assert f"<h1>{gettext('Systems in use at every unit')}</h1>" in page
    assert 'data-testid="usage-silent"' in page and "ด่านตรวจ ๓" in page
    # the silent installation's row is highlighted; the others are not
    assert '<tr class="expired" data-system="pibics" data-unit="CP3">' in page
    assert '<tr data-system="pibics" data-unit="CP1">' in page
    assert "CP1*" in page  # CP1 uses tm30 through its network without being declared
    assert "/operations/usage/chart.png?unit=A&amp;from=2026-01-01&amp;to=2026-02-28" in page
    assert "ม.ค. ๒๕๖๙" in page


def test_the_english_page_and_the_default_period(client, world, scene):
    client.force_login(world.users["auditor"])
    page = client.get("/operations/usage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Systems in use at every unit</h1>" in page
    start, end = default_period(date(2026, 12, 5))
    assert (start, end) == (date(2026, 1, 1), date(2026, 12, 5))
    assert default_period(date(2026, 3, 31))[0] == date(2025, 4, 1)


def test_another_units_figures_are_not_shown(client, world, scene, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", password="x")
    RoleGrant.objects.create(user=outsider, unit=world.b, role="auditor")
    client.force_login(outsider)
    assert client.get(f"/operations/usage/?{PERIOD}").status_code == 404
    assert client.get(f"/operations/usage/chart.png?{PERIOD}").status_code == 404
    assert client.get(f"/operations/usage/report.pdf?{PERIOD}").status_code == 404
    own = client.get("/operations/usage/?from=2026-01-01&to=2026-02-28").content.decode()
    assert "pibics" not in own and "ด่านตรวจ" not in own  # B's own page: nothing of A
    client.logout()
    assert client.get(f"/operations/usage/?{PERIOD}").status_code == 302  # to the sign-in


def test_a_bad_period_is_named_not_a_crash(client, world, scene):
    client.force_login(world.users["auditor"])
    page = client.get("/operations/usage/?unit=A&from=2026-02-01&to=2026-01-01")
    assert page.status_code == 400 and "อยู่ก่อนวันเริ่ม" in page.content.decode()
    assert client.get("/operations/usage/?unit=A&from=31/02/2569").status_code == 400
    assert client.get("/operations/usage/chart.png?unit=A&from=2026-02-01&to=2026-01-01").status_code == 400


def test_the_chart_and_the_report(client, world, scene):
    client.force_login(world.users["collector"])
    png = client.get(f"/operations/usage/chart.png?{PERIOD}")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    pdf = client.get(f"/operations/usage/report.pdf?{PERIOD}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'filename="usage-A-2026-01-01-2026-02-28.pdf"' in pdf["Content-Disposition"]


def api(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user, 'read')}")
    return c


def test_the_api_answers_the_cli_shape(world, scene):
    c = api(world.users["reviewer"])
    body = c.get("/api/ops/usage/?unit=A-1&from=2026-01-01&to=2026-02-28").json()
    assert (body["unit"], body["from"], body["to"]) == ("A-1", "2026-01-01", "2026-02-28")
    assert body["silent"] == [{"system": "pibics", "unit": "CP3"}]
    assert {"system": "tm30", "unit": "CP1", "month": "2026-01", "events": 2, "users": 1} in body["rows"]
    assert [i["unit"] for i in body["installations"]] == ["CP1", "CP2", "CP3"]
    assert c.get("/api/ops/usage/?unit=B&from=2026-01-01&to=2026-02-28").status_code == 404
    for bad in (
        "unit=A",
        "from=2026-01-01&to=2026-02-28",
        "unit=A&from=x&to=2026-02-28",
        "unit=A&from=2026-03-01&to=2026-01-01",
    ):
        assert c.get(f"/api/ops/usage/?{bad}").status_code == 400, bad
    assert APIClient().get("/api/ops/usage/?unit=A&from=2026-01-01&to=2026-02-28").status_code in (401, 403)


def test_the_api_is_in_the_openapi_schema(world):
    c = api(world.users["admin"])
    schema = c.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/ops/usage/" in schema
