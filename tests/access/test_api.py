"""The accounts API: a caller sees the accounts of their units' systems only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_key


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.mark.django_db
def test_the_accounts_of_my_units_with_their_groups_and_nobody_elses(world, tmp_path):
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.inventory.services import add_system

    for unit, name in ((world.a, "a-app"), (world.b, "b-app")):
        add_system(name, name_th="ระบบ", unit=unit, klass="intranet")
        users = tmp_path / f"{name}.csv"
        users.write_text(f"username,display_name,groups\nuser-{name},ผู้ใช้ {name},clerk;approver\n")
        sync(add_source(f"{name}-users", unit=unit, system=name, csv_path=str(users)))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world.users['auditor'])}")

    response = client.get("/api/access/accounts/")

    assert response.status_code == 200
    rows = response.json()["results"] if isinstance(response.json(), dict) else response.json()
    assert [(r["username"], r["system"], r["display_name"], r["groups"]) for r in rows] == [
        ("user-a-app", "a-app", "ผู้ใช้ a-app", ["approver", "clerk"])
    ]
