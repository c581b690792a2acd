"""Incremental sync against a real slapd: only changed entries are read in full, and the result is the
one a full sync gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import ldap3
import pytest

from tests.access.slapd import BASE, GROUPS, PEOPLE, User

pytestmark = pytest.mark.django_db

OLD = {"modifyTimestamp": "20200101000000Z"}  # entries loaded as if last changed long ago


def users() -> list[User]:
    return [
        User(
            "somchai", "สมชาย ใจดี", employee_number="E001", auth_timestamp="20261120093000Z", extra=dict(OLD)
        ),
        User(
            "somying",
            "สมหญิง รักงาน",
            employee_number="E002",
            auth_timestamp="20261101000000Z",
            extra=dict(OLD),
        ),
        User("mana", "มานะ อดทน", employee_number="E003", extra=dict(OLD)),
        User("malee", "มาลี ศรีสุข", employee_number="E004", extra=dict(OLD)),
    ]


@pytest.fixture
def directory(slapd_factory):
    return slapd_factory(users(), {"staff": ["somchai", "somying", "mana"], "admins": ["somchai"]})


@pytest.fixture
def source(units, directory, settings):
    from lakthan.access.services.sources import add_source

    settings.LAKTHAN_ACCESS_SYNC_MARGIN_MINUTES = 0  # else every entry of a test is "recent"
    return add_source(
        "dir",
        unit=units,
        ldap_url=directory.url,
        bind_dn=f"cn=admin,{BASE}",
        password_file=str(directory.password_file),
        base_dn=BASE,
    )


def state(source) -> tuple:
    """What a sync decides: every account's values, and the open memberships."""
    from lakthan.access.models import Account, Membership

    accounts = sorted(
        Account.objects.filter(source=source).values_list(
            "key", "username", "display_name", "employee_id", "disabled", "last_login_at", "gone_at"
        )
    )
    held = sorted(
        Membership.objects.filter(account__source=source, until__isnull=True).values_list(
            "account__username", "group__name"
        )
    )
    return [(a[:6], a[6] is not None) for a in accounts], held


def change_everything(directory) -> None:
    """A changed attribute, a new account, a removed one, memberships moved and a login."""
    directory.modify(f"uid=mana,{PEOPLE}", {"employeeNumber": [(ldap3.MODIFY_REPLACE, ["E003-X"])]})
    with directory.connection() as conn:
        conn.add(
            f"uid=new,{PEOPLE}",
            ["inetOrgPerson"],
            {"uid": "new", "cn": "ใหม่ เข้ามา", "sn": "เข้ามา", "employeeNumber": "E009"},
        )
    directory.delete(f"uid=somying,{PEOPLE}")
    directory.modify(f"cn=admins,{GROUPS}", {"member": [(ldap3.MODIFY_ADD, [f"uid=malee,{PEOPLE}"])]})
    directory.modify(f"cn=staff,{GROUPS}", {"member": [(ldap3.MODIFY_DELETE, [f"uid=mana,{PEOPLE}"])]})
    assert directory.can_bind(f"uid=malee,{PEOPLE}", "user-password")  # lastbind: authTimestamp now


def test_an_incremental_read_gets_full_entries_only_of_what_changed(source, directory):
    from lakthan.access.engines.directory import read_directory_changes
    from lakthan.access.services.sources import directory_config
    from lakthan.access.services.sync import sync

    first = sync(source)
    assert first.full
    change_everything(directory)

    snapshot = read_directory_changes(
        directory_config(source),
        first.started_at - timedelta(seconds=1),
        known={f"uid={u},{PEOPLE}".lower() for u in ("somchai", "somying", "mana", "malee")},
    )

    # mana (modified), new (added), malee (her login moves modifyTimestamp in slapd 2.5's lastbind);
    # not somchai: a group's member list changing leaves the member's entry as it was
    assert sorted(a.username for a in snapshot.accounts) == ["malee", "mana", "new"]
    assert snapshot.partial and len(snapshot.present) == 4
    assert f"uid=malee,{PEOPLE}".lower() in snapshot.logins
    assert snapshot.members[f"uid=malee,{PEOPLE}".lower()] == {f"cn=admins,{GROUPS}".lower()}


def test_an_incremental_sync_equals_a_full_sync(source, directory):
    from lakthan.access.models import Account, AccountChange
    from lakthan.access.services.sync import sync

    sync(source)
    change_everything(directory)

    run = sync(source)

    assert not run.full
    assert (run.accounts_seen, run.added, run.changed, run.gone) == (4, 1, 1, 1)
    assert (run.memberships_added, run.memberships_ended) == (1, 2)  # malee → admins; mana, somying out
    after_incremental = state(source)
    malee = Account.objects.get(username="malee")
    assert malee.last_login_at > datetime(2026, 1, 1, tzinfo=UTC)
    assert AccountChange.objects.get(account__username="mana", kind="changed").after == {
        "employee_id": "E003-X"
    }

    check = sync(source, full=True)

    assert check.full
    assert (check.added, check.changed, check.gone, check.memberships_added, check.memberships_ended) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert state(source) == after_incremental


def test_a_login_alone_keeps_the_last_login_current(source, directory):
    from lakthan.access.models import Account, AccountChange
    from lakthan.access.services.sync import sync

    sync(source)
    before = Account.objects.get(username="somying").last_login_at
    assert directory.can_bind(f"uid=somying,{PEOPLE}", "user-password")

    run = sync(source)

    assert not run.full and run.changed == 0
    assert Account.objects.get(username="somying").last_login_at > before
    assert not AccountChange.objects.filter(kind="changed").exists()  # a login is no history row


def test_a_full_sync_comes_back_after_the_configured_hours_and_on_request(source, settings, cli):
    from lakthan.access.models import SyncRun
    from lakthan.access.services.sync import sync

    sync(source)
    assert not sync(source).full
    settings.LAKTHAN_ACCESS_FULL_SYNC_HOURS = 0
    assert sync(source).full
    settings.LAKTHAN_ACCESS_FULL_SYNC_HOURS = 24

    out = cli("access", "sync", "dir", "--full").output

    assert "(full read)" in out
    assert "(incremental read)" in cli("access", "sync", "dir").output
    assert list(SyncRun.objects.values_list("full", flat=True)) == [False, True, True, False, True]
