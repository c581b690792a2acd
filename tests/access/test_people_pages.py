"""Accounts per system, an account and a person's rights everywhere, as each caller may see them; the
account page's link/service actions (MANAGE, CSRF); the employees API."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import api_key

ROSTER = (
    "employee_id,title,first_name,last_name,unit,position,status,effective_date\n"
    "A100,นาย,อนันต์,มั่นคง,A,นักวิชาการคอมพิวเตอร์,active,2015-10-01\n"
    "A200,นางสาว,กานดา,ลาออก,A-1,เจ้าพนักงานธุรการ,resigned,2026-10-01\n"
    "B100,นาย,บุญมี,ที่อื่น,B,นายช่าง,active,2012-01-01\n"
)


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def systems(world, tmp_path):
    """System 'a-app' of unit A (anan, kanda who resigned, an orphan 'shared', and 120 'bulk' users)
    and 'b-app' of unit B, where A100 also holds an account."""
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.inventory.services import add_system

    import_roster(ROSTER.encode(), "roster.csv", actor="hr")
    for unit, name, rows in (
        (
            world.a,
            "a-app",
            ["anan,อนันต์ มั่นคง,A100,,clerk;approver", "kanda,กานดา ลาออก,A200,,clerk", "shared,ใช้ร่วมกัน,,,admin"]
            + [f"bulk{n:03},ผู้ใช้ {n},,true," for n in range(120)],
        ),
        (world.b, "b-app", ["anan-b,อนันต์ มั่นคง,A100,,viewer", "boonmee,บุญมี ที่อื่น,B100,,viewer"]),
    ):
        add_system(name, name_th=f"ระบบ {name}", unit=unit, klass="intranet")
        users = tmp_path / f"{name}.csv"
        users.write_text("username,display_name,employee_id,disabled,groups\n" + "\n".join(rows) + "\n")
        sync(add_source(f"{name}-users", unit=unit, system=name, csv_path=str(users)))
    return world


def page(user, url: str, **params) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def usernames(html: str) -> list[str]:
    return re.findall(r'<a href="/access/accounts/\d+/">([^<]+)</a>', html)


@pytest.mark.django_db
def test_a_systems_accounts_are_paged_filtered_and_only_for_its_units_callers(systems):
    auditor = systems.users["auditor"]
    html = page(auditor, "/access/systems/a-app/")
    assert usernames(html)[:3] == ["anan", "bulk000", "bulk001"] and len(usernames(html)) == 50
    assert "page=2" in html and "clerk" in html and "approver" in html

    assert usernames(page(auditor, "/access/systems/a-app/", state="enabled")) == ["anan", "kanda", "shared"]
    assert usernames(page(auditor, "/access/systems/a-app/", kind="leaver_active")) == ["kanda"]
    assert usernames(page(auditor, "/access/systems/a-app/", kind="orphan", q="shar")) == ["shared"]
    last = page(auditor, "/access/systems/a-app/", state="disabled", page=3)
    assert usernames(last) == [f"bulk{n:03}" for n in range(100, 120)]

    client = Client()
    client.force_login(auditor)
    assert client.get("/access/systems/b-app/").status_code == 404  # another unit's system
    assert client.get("/access/systems/nosuch/").status_code == 404


@pytest.mark.django_db
def test_a_persons_page_shows_their_accounts_in_the_systems_the_caller_may_see(systems, django_user_model):
    auditor = systems.users["auditor"]
    html = page(auditor, "/access/people/A100/")
    assert "อนันต์" in html and "anan" in html and "a-app" in html
    assert "anan-b" not in html and "b-app" not in html  # unit B is not the auditor's
    assert "roster.csv" in html  # the HR record's history

    admin = django_user_model.objects.create_superuser("root", password="x-long-password-9")
    everywhere = page(admin, "/access/people/A100/")
    assert "anan-b" in everywhere and "b-app" in everywhere

    client = Client()
    client.force_login(auditor)
    assert client.get("/access/people/B100/").status_code == 404
    people = page(auditor, "/access/people/")
    assert "A100" in people and "A200" in people and "B100" not in people


@pytest.mark.django_db
def test_the_account_page_shows_its_history_groups_and_findings(systems):
    from lakthan.access.models import Account

    kanda = Account.objects.get(username="kanda")
    html = page(systems.users["auditor"], f"/access/accounts/{kanda.pk}/")
    assert "leaver_active" in html and "clerk" in html and "กานดา" in html
    assert 'data-testid="link"' not in html  # an auditor may not settle accounts
    b_account = Account.objects.get(username="boonmee")
    client = Client()
    client.force_login(systems.users["auditor"])
    assert client.get(f"/access/accounts/{b_account.pk}/").status_code == 404


@pytest.mark.django_db
def test_linking_and_marking_from_the_page_needs_manage_and_a_csrf_token(systems):
    from lakthan.access.models import Account
    from lakthan.core.models import AuditEntry

    shared = Account.objects.get(username="shared")
    url = f"/access/accounts/{shared.pk}/"

    auditor = Client()
    auditor.force_login(systems.users["auditor"])
    assert auditor.post(url + "link/", {"employee_id": "A100"}).status_code == 403

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(systems.users["admin"])
    assert strict.post(url + "service/", {"owner": "A100"}).status_code == 403

    admin = Client()
    admin.force_login(systems.users["admin"])
    response = admin.post(url + "service/", {"owner": "A100"}, follow=True)
    assert response.status_code == 200
    shared.refresh_from_db()
    assert shared.is_service and shared.owner.employee_id == "A100"
    assert "shared" not in usernames(page(systems.users["admin"], "/access/systems/a-app/", kind="orphan"))

    wrong = admin.post(url + "link/", {"employee_id": "Z999"}, follow=True).content.decode()
    assert "Z999" in wrong  # the error, in the page's language
    shared.refresh_from_db()
    assert shared.is_service and shared.linked_employee is None  # nothing changed
    admin.post(url + "link/", {"employee_id": "A100"})
    shared.refresh_from_db()
    assert shared.linked_employee.employee_id == "A100" and not shared.is_service
    assert list(
        AuditEntry.objects.filter(actor="admin-a", action__startswith="access.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == [
        "access.account.service",
        "access.account.link",
    ]


@pytest.mark.django_db
def test_the_employees_api_lists_my_units_people_with_their_visible_accounts(systems):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(systems.users['auditor'])}")

    rows = client.get("/api/access/employees/").json()["results"]

    assert [r["employee_id"] for r in rows] == ["A100", "A200"]
    anan = client.get("/api/access/employees/A100/").json()
    assert [(a["system"], a["username"], a["groups"]) for a in anan["accounts"]] == [
        ("a-app", "anan", ["approver", "clerk"])
    ]
    assert client.get("/api/access/employees/B100/").status_code == 404
