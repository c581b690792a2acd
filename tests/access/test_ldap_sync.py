"""Sync from a real slapd: users, groups and memberOf, disabled, last login, Thai names, history."""

from __future__ import annotations

from datetime import UTC, datetime

import ldap3
import pytest

from tests.access.slapd import PEOPLE, User

pytestmark = pytest.mark.django_db


def directory_users() -> list[User]:
    return [
        User(
            "somchai",
            "สมชาย ใจดี",
            "ใจดี",
            employee_number="E001",
            auth_timestamp="20261120093000Z",
            pwd_changed="20250101000000Z",
        ),
        User("somying", "สมหญิง รักงาน", "รักงาน", employee_number="E002", auth_timestamp="20261125000000Z"),
        User("locked", "ปิดแล้ว ทดสอบ", employee_number="E005", locked="000001010000Z"),
        User("nobody", "ไม่มี รหัส"),
    ]


@pytest.fixture
def directory(slapd_factory):
    return slapd_factory(directory_users(), {"staff": ["somchai", "somying"], "admins": ["somchai"]})


@pytest.fixture
def source(units, directory):
    from lakthan.access.services.sources import add_source

    return add_source(
        "ad-bureau",
        unit=units,
        ldap_url=directory.url,
        bind_dn=f"cn=admin,{PEOPLE.split(',', 1)[1]}",
        password_file=str(directory.password_file),
        base_dn="dc=agency,dc=example",
        may_write=True,
    )


def test_sync_reads_users_groups_memberships_and_operational_attributes(source):
    from lakthan.access.models import Account, Membership
    from lakthan.access.services.sync import sync

    run = sync(source)

    assert (run.status, run.accounts_seen, run.added, run.gone, run.groups_seen) == ("ok", 4, 4, 0, 2)
    somchai = Account.objects.get(source=source, username="somchai")
    assert somchai.display_name == "สมชาย ใจดี"
    assert somchai.employee_id == "E001"
    assert somchai.last_login_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert somchai.password_changed_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert somchai.created_in_source_at == datetime(2020, 1, 1, tzinfo=UTC)
    assert somchai.disabled is False
    assert Account.objects.get(username="locked").disabled is True
    assert Account.objects.get(username="nobody").last_login_at is None
    held = sorted(
        Membership.objects.filter(account=somchai, until__isnull=True).values_list("group__name", flat=True)
    )
    assert held == ["admins", "staff"]
    assert source.system.code == "ad-bureau"  # a directory without --system is a system of the inventory


def test_memberships_come_from_the_memberof_overlay_too(source, directory):
    """A group outside the group filter shows only through memberOf, which the overlay keeps."""
    from lakthan.access.models import Membership
    from lakthan.access.services.sync import sync

    with directory.connection() as conn:
        conn.add(
            "cn=vpn,ou=groups,dc=agency,dc=example",
            ["groupOfUniqueNames"],
            {"cn": "vpn", "uniqueMember": "cn=admin,dc=agency,dc=example"},
        )
        conn.modify(
            "cn=staff,ou=groups,dc=agency,dc=example",
            {"member": [(ldap3.MODIFY_ADD, ["uid=locked,ou=people,dc=agency,dc=example"])]},
        )
    assert directory.attribute("uid=locked,ou=people,dc=agency,dc=example", "memberOf") == [
        "cn=staff,ou=groups,dc=agency,dc=example"
    ]
    source.group_filter = "(cn=admins)"  # staff is no longer searched as a group
    source.save()

    sync(source)

    held = set(
        Membership.objects.filter(account__username="locked", until__isnull=True).values_list(
            "group__name", flat=True
        )
    )
    assert held == {"staff"}


def test_a_second_sync_of_an_unchanged_directory_writes_nothing(source):
    from lakthan.access.models import Account, AccountChange, Membership
    from lakthan.access.services.sync import sync

    sync(source)
    before = (
        list(Account.objects.values()),
        AccountChange.objects.count(),
        list(Membership.objects.values()),
    )

    run = sync(source)

    assert (run.added, run.changed, run.gone, run.memberships_added, run.memberships_ended) == (0, 0, 0, 0, 0)
    assert (
        list(Account.objects.values()),
        AccountChange.objects.count(),
        list(Membership.objects.values()),
    ) == before


def test_an_account_that_vanished_is_marked_gone_kept_and_can_return(source, directory):
    from lakthan.access.models import Account, AccountChange, Membership
    from lakthan.access.services.sync import sync

    sync(source)
    directory.delete("uid=somying,ou=people,dc=agency,dc=example")  # refint drops her from staff

    run = sync(source)

    somying = Account.objects.get(username="somying")
    assert run.gone == 1 and somying.gone_at is not None
    assert not Membership.objects.filter(account=somying, until__isnull=True).exists()
    assert Membership.objects.filter(account=somying, until__isnull=False).count() == 1
    with directory.connection() as conn:
        conn.add(
            somying.dn,
            ["inetOrgPerson"],
            {"uid": "somying", "cn": "สมหญิง รักงาน", "sn": "รักงาน", "employeeNumber": "E002"},
        )
    sync(source)
    somying.refresh_from_db()
    assert somying.gone_at is None
    kinds = list(AccountChange.objects.filter(account=somying).values_list("kind", flat=True))
    assert kinds == ["appeared", "gone", "returned"]


def test_a_lock_a_login_and_a_new_employee_number_are_history(source, directory):
    from lakthan.access.models import Account, AccountChange
    from lakthan.access.services.sync import sync

    sync(source)
    dn = "uid=somchai,ou=people,dc=agency,dc=example"
    assert directory.can_bind(dn, "user-password")  # lastbind writes authTimestamp now
    directory.modify(
        dn,
        {
            "employeeNumber": [(ldap3.MODIFY_REPLACE, ["E001-X"])],
            "pwdAccountLockedTime": [(ldap3.MODIFY_REPLACE, ["000001010000Z"])],
        },
    )

    run = sync(source)

    somchai = Account.objects.get(username="somchai")
    assert run.changed == 1
    assert somchai.disabled and somchai.disabled_seen_at is not None
    assert somchai.last_login_at > datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    change = AccountChange.objects.filter(account=somchai, kind="changed").get()
    assert change.before == {"employee_id": "E001", "disabled": False}
    assert change.after == {"employee_id": "E001-X", "disabled": True}


def test_a_wrong_password_fails_the_sync_and_changes_nothing(source, directory):
    from lakthan.access.models import Account, SyncRun
    from lakthan.access.services import SourceFailed
    from lakthan.access.services.sync import sync

    sync(source)
    directory.password_file.write_text("wrong\n")

    with pytest.raises(SourceFailed) as failure:
        sync(source)

    assert "cannot bind" in failure.value.message_en
    assert Account.objects.filter(gone_at__isnull=True).count() == 4
    assert list(SyncRun.objects.values_list("status", flat=True)) == ["failed", "ok"]


def test_an_empty_answer_does_not_mark_every_account_gone(source):
    from lakthan.access.models import Account
    from lakthan.access.services import SourceFailed
    from lakthan.access.services.sync import sync

    sync(source)
    source.base_dn = "ou=groups,dc=agency,dc=example"  # a wrong base DN: no user there
    source.save()

    with pytest.raises(SourceFailed, match="would be marked gone"):
        sync(source)

    assert Account.objects.filter(gone_at__isnull=True).count() == 4
