"""A CSV export of an application's user table as a source; the directory engine's parsing of
OpenLDAP and Active Directory values (AD has no test server here: its attributes are checked as parsed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lakthan.access.engines.directory import account_from_entry, filetime, generalized_time, normal_dn

USERS = (
    "username,display_name,employee_id,disabled,last_login,created,groups\n"
    "somchai,สมชาย ใจดี,E001,false,2026-11-30 08:00,2019-01-01,clerk;approver\n"
    "somying,สมหญิง รักงาน,E002,no,2026-11-29T10:00:00+07:00,2019-01-01,clerk\n"
    "olduser,เก่า มาก,E003,true,,2015-01-01,\n"
)


@pytest.fixture
def app_system(units):
    from lakthan.inventory.services import add_system

    return add_system("pibics", name_th="ระบบตรวจคนเข้าเมือง", unit=units, klass="intranet")


@pytest.mark.django_db
def test_a_csv_source_syncs_accounts_groups_and_logins_in_bangkok_time(app_system, tmp_path, cli):
    from lakthan.access.models import Account, Membership

    export = tmp_path / "users.csv"
    export.write_bytes(USERS.encode("utf-8-sig"))
    cli("access", "source", "add", "pibics-users", "--unit", "B", "--system", "pibics", "--csv", str(export))

    out = cli("access", "sync", "pibics-users").output

    assert "pibics-users: 3 accounts (3 new, 0 changed, 0 gone), 2 groups" in out
    somchai = Account.objects.get(username="somchai")
    assert somchai.last_login_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 08:00 in Bangkok
    assert somchai.source.system.code == "pibics" and somchai.source.tracks_login
    assert Account.objects.get(username="olduser").disabled
    assert set(Membership.objects.filter(account=somchai).values_list("group__name", flat=True)) == {
        "clerk",
        "approver",
    }
    export.write_bytes(USERS.replace("olduser,เก่า มาก,E003,true,,2015-01-01,\n", "").encode())
    assert "(0 new, 0 changed, 1 gone)" in cli("access", "sync", "--all").output


@pytest.mark.django_db
def test_a_csv_source_needs_a_system_and_cannot_be_written(units, tmp_path):
    from lakthan.access.services.sources import add_source
    from lakthan.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="needs --system"):
        add_source("x", unit=units, csv_path=str(tmp_path / "u.csv"))
    with pytest.raises(InvalidInput, match="either --ldap or --csv"):
        add_source("x", unit=units)


@pytest.mark.django_db
def test_a_bad_row_of_a_user_table_fails_the_sync_naming_it(app_system, tmp_path):
    from lakthan.access.services import SourceFailed
    from lakthan.access.services.sources import add_source
    from lakthan.access.services.sync import sync

    export = tmp_path / "users.csv"
    export.write_text(USERS + "somchai,again,E009,false,,,\n")
    source = add_source("app", unit=app_system.unit, system="pibics", csv_path=str(export))

    with pytest.raises(SourceFailed, match="row 5: username somchai appears twice"):
        sync(source)


def test_generalized_time_with_and_without_fractions():
    assert generalized_time("20261201093000Z") == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert generalized_time("20261201093000.25Z") == datetime(2026, 12, 1, 9, 30, 0, 250000, tzinfo=UTC)
    assert generalized_time("000001010000Z") is None  # the permanent lock's marker is not a time
    assert generalized_time("") is None


def test_active_directory_values():
    # FILETIME: 100 ns ticks since 1601; the Unix epoch is 116444736000000000, 2025-01-01 is 1735689600 s later
    assert filetime("116444736000000000") == datetime(1970, 1, 1, tzinfo=UTC)
    assert filetime("133801632000000000") == datetime(2025, 1, 1, tzinfo=UTC)
    assert filetime("0") is None and filetime("9223372036854775807") is None
    entry = account_from_entry(
        "CN=Somchai Jaidee,OU=Staff,DC=agency,DC=example",
        {
            "sAMAccountName": "somchai",
            "displayName": "สมชาย ใจดี",
            "employeeID": "E001",
            "userAccountControl": "514",  # 512 normal + 2 disabled
            "lastLogonTimestamp": "133801632000000000",
            "whenCreated": "20200101000000.0Z",
            "memberOf": ["CN=Clerks,OU=Groups,DC=agency,DC=example"],
        },
        "employeeID",
    )
    assert (entry.username, entry.employee_id, entry.disabled) == ("somchai", "E001", True)
    assert entry.key == "cn=somchai jaidee,ou=staff,dc=agency,dc=example"
    assert entry.created == datetime(2020, 1, 1, tzinfo=UTC)
    assert entry.last_login == datetime(2025, 1, 1, tzinfo=UTC)
    assert entry.groups == ("cn=clerks,ou=groups,dc=agency,dc=example",)
    assert account_from_entry("CN=x,DC=a", {"userAccountControl": "512"}, "employeeID").disabled is False


def test_a_dn_key_ignores_case_and_spaces_after_commas():
    assert (
        normal_dn("UID=Somchai, OU=People,DC=Agency, DC=Example")
        == "uid=somchai,ou=people,dc=agency,dc=example"
    )
