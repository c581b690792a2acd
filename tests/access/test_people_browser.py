"""A person's rights everywhere and one of their accounts, in Chromium, with data like the demo's: the
HR roster, an application's user table, Lakthan's own users and an sshd login in the usage logs.
Screenshots kept in LAKTHAN_SCREENSHOTS if set (docs/screenshots/access-*-th.png come from here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.access.conftest import ROSTER
from tests.conftest import chromium

PASSWORD = "a-long-browser-password"


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.LAKTHAN_REQUIRE_2FA = False


@pytest.fixture
def person_with_accounts(units, tmp_path, django_user_model):
    """Made before the browser starts: Playwright's event loop forbids the ORM in its thread."""
    from lakthan.access.models import Employee
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync
    from lakthan.core.models import RoleGrant, Unit
    from lakthan.core.services import add_person
    from lakthan.inventory.services import add_host, add_system
    from lakthan.monitoring.services import ingest, seal

    import_roster(ROSTER.encode(), "roster-2569.csv", actor="hr")
    it = Unit.objects.get(code="B-IT")
    payroll = add_system("payroll", name_th="ระบบเงินเดือน", unit=units, klass="intranet")
    add_system("lakthan", name_th="ระบบลักษณ์ธรรม", unit=units, klass="intranet")
    add_system("saraban", name_th="ระบบสารบรรณอิเล็กทรอนิกส์", unit=units, klass="internet")
    add_host("pay01", unit=units, systems=[payroll])
    pay = tmp_path / "payroll.csv"
    pay.write_text(
        "username,display_name,employee_id,last_login,created,groups\n"
        "somchai,สมชาย ใจดี,E001,2026-06-01T09:00:00+07:00,2016-01-04,clerk;approver\n"
        "somying,สมหญิง รักงาน,E002,2026-09-25T09:00:00+07:00,2017-03-01,clerk\n"
        "svc-report,บัญชีรายงาน,,2026-11-30T02:00:00+07:00,2019-01-01,reader\n"
    )
    saraban = tmp_path / "saraban.csv"
    saraban.write_text(
        "username,display_name,employee_id,disabled,groups\nsomchai.j,สมชาย ใจดี,E001,false,officer\n"
    )
    for name, system, path in (("payroll-users", "payroll", pay), ("saraban-users", "saraban", saraban)):
        sync(add_source(name, unit=units, system=system, csv_path=str(path)))
    admin = django_user_model.objects.create_user("somchai", password=PASSWORD)
    person = add_person(it, "สมชาย", "ใจดี", title_th="นาย", user=admin)
    Employee.objects.filter(employee_id="E001").update(person=person)
    RoleGrant.objects.create(user=admin, unit=units, role="admin")
    sync(add_source("lakthan-users", unit=units, system="lakthan", lakthan=True))
    from lakthan.access.services.accounts import get_account, get_employee, mark_service

    mark_service(get_account("payroll-users", "svc-report"), get_employee("E001"), actor="somchai")
    ingest.ingest_lines(
        [
            "<38>1 2026-11-27T08:05:00+07:00 pay01 sshd 811 - - Accepted publickey for somchai from 10.2.0.15 port 51022 ssh2"
        ],
        fmt="syslog",
    )
    seal.seal()
    from lakthan.access.services.logins import record_logins
    from lakthan.monitoring.services.logins import successful_logins

    record_logins(successful_logins())
    return get_account("payroll-users", "somchai").pk


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_persons_rights_everywhere_and_an_account_in_chromium(live_server, person_with_accounts, tmp_path):
    shots = Path(os.environ.get("LAKTHAN_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with chromium() as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/access/people/E001/")
        page.fill("#id_username", "somchai")
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url("**/access/people/E001/")
        table = page.locator("[data-testid=person-accounts]").inner_text()
        for seen in ("somchai", "somchai.j", "svc-report", "approver", "officer", "admin@B"):
            assert seen in table, seen
        assert "somying" not in table
        page.screenshot(path=str(shots / "access-person-th.png"), full_page=True)

        page.goto(f"{live_server.url}/access/accounts/{person_with_accounts}/")
        body = page.locator("main").inner_text()
        assert "pay01" in body and "ปรากฏ" in body  # the login seen in the logs, the history in Thai
        page.screenshot(path=str(shots / "access-account-th.png"), full_page=True)
