"""The catalogue's page and API: read-only, the rules and pairs of the systems of the caller's units,
and the history of imports."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.access.test_roles import CATALOGUE
from tests.conftest import api_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def catalogue(units, django_user_model, tmp_path):
    """The bureau's directory system `dir` (unit B) with the catalogue imported twice; a reader in B and
    one in B-HR only (who does not see B's systems)."""
    from lakthan.access.services.roles import import_catalogue
    from lakthan.access.services.sources import add_source
    from lakthan.core.models import RoleGrant, Unit

    password = tmp_path / "pw"
    password.write_text("x")
    add_source(
        "dir",
        unit=units,
        ldap_url="ldap://127.0.0.1:1",
        bind_dn="cn=admin",
        password_file=str(password),
        base_dn="dc=agency,dc=example",
    )
    import_catalogue(
        CATALOGUE.replace("groups: [admins]", "groups: [admins, tape-operator]").encode(), "old.yaml"
    )
    import_catalogue(CATALOGUE.encode(), "roles.yaml", actor="it-admin")
    readers = {}
    for code in ("B", "B-HR"):
        user = django_user_model.objects.create_user(f"reader-{code}", password="pw-12345678")
        RoleGrant.objects.create(user=user, unit=Unit.objects.get(code=code), role="auditor")
        readers[code] = user
    return readers


def test_the_page_shows_the_rules_pairs_and_imports_to_a_reader_of_the_unit(catalogue):
    client = Client()
    client.force_login(catalogue["B"])

    page = client.get("/access/roles/").content.decode()

    assert "นักวิชาการคอมพิวเตอร์" in page and "payroll-approve" in page
    assert "ผู้อนุมัติจ่ายเงินเดือนต้องไม่เป็นผู้จ่ายเงินเดือน" in page
    assert "roles.yaml" in page and "old.yaml" in page  # the history, newest in force
    assert "tape-operator" not in page  # only the old catalogue had it
    assert 'href="/access/roles/" aria-current="page"' in page
    assert "บทบาทตามหน้าที่" in page and "กลุ่มที่ห้ามผู้ใดมีพร้อมกัน" in page and "ทุกตำแหน่ง" in page
    assert '<th scope="col">ตำแหน่ง</th>' in page  # the job post, not an order


def test_a_reader_of_another_unit_sees_the_imports_but_no_rule(catalogue):
    client = Client()
    client.force_login(catalogue["B-HR"])

    page = client.get("/access/roles/").content.decode()

    assert "payroll-approve" not in page and "นักวิชาการคอมพิวเตอร์" not in page
    assert "roles.yaml" in page


def test_the_api_lists_the_catalogue_in_force_and_refuses_writes(catalogue):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(catalogue['B'])}")

    rules = client.get("/api/access/role-rules/").json()
    rules = rules["results"] if isinstance(rules, dict) else rules
    pairs = client.get("/api/access/sod-pairs/").json()
    pairs = pairs["results"] if isinstance(pairs, dict) else pairs
    imports = client.get("/api/access/role-catalogues/").json()
    imports = imports["results"] if isinstance(imports, dict) else imports

    assert [(r["line"], r["position"], r["unit"], r["groups"]) for r in rules] == [
        (3, "*", None, ["staff"]),
        (6, "นักวิชาการคอมพิวเตอร์", "B-IT", ["admins"]),
        (10, "นักทรัพยากรบุคคล", None, ["hr-officer", "payroll-approve", "payroll-pay"]),
        (13, "เจ้าพนักงานธุรการ", None, ["payroll-pay"]),
    ]
    assert [(p["group_a"], p["group_b"]) for p in pairs] == [("payroll-approve", "payroll-pay")]
    assert [(i["file_name"], i["in_force"], i["rules"]) for i in imports] == [
        ("roles.yaml", True, 4),
        ("old.yaml", False, 4),
    ]
    assert client.post("/api/access/role-rules/", {}).status_code == 405
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {api_key(catalogue['B-HR'])}")
    assert other.get("/api/access/role-rules/").json() in (
        [],
        {"count": 0, "next": None, "previous": None, "results": []},
    )
