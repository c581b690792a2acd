"""Lakthan's own users as an identity source: accounts, roles as groups, the HR employee of the user's
Person, and the same history as any other source's sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.access.conftest import ROSTER


@pytest.fixture
def lakthan_users(units, django_user_model):
    """Three users of Lakthan: a collector linked to HR employee E001, a superuser, and one without a
    Person; a Lakthan source for the inventory system 'lakthan'."""
    from lakthan.access.models import Employee
    from lakthan.access.services.roster import import_roster
    from lakthan.access.services.sources import add_source
    from lakthan.core.models import RoleGrant, Unit
    from lakthan.core.services import add_person
    from lakthan.inventory.services import add_system

    import_roster(ROSTER.encode(), "roster.csv", actor="hr")
    it = Unit.objects.get(code="B-IT")
    somchai = django_user_model.objects.create_user("somchai", password="x-long-password-1")
    person = add_person(it, "สมชาย", "ใจดี", title_th="นาย", user=somchai)
    Employee.objects.filter(employee_id="E001").update(person=person)
    RoleGrant.objects.create(user=somchai, unit=it, role="collector")
    RoleGrant.objects.create(user=somchai, unit=units, role="auditor")
    root = django_user_model.objects.create_superuser("root", password="x-long-password-2")
    django_user_model.objects.create_user("temp", password="x-long-password-3", first_name="Temp")
    somchai.last_login = timezone.now() - timedelta(days=3)
    somchai.save(update_fields=["last_login"])
    add_system("lakthan", name_th="ระบบลักษณ์ธรรม", unit=units, klass="intranet")
    source = add_source("lakthan-users", unit=units, system="lakthan", lakthan=True, actor="test")
    return source, somchai, root


@pytest.mark.django_db
def test_lakthan_users_become_accounts_with_roles_as_groups_and_their_employee_id(lakthan_users):
    from lakthan.access.models import Account
    from lakthan.access.services.findings import findings
    from lakthan.access.services.sync import sync

    source, somchai, root = lakthan_users
    run = sync(source)

    assert (run.accounts_seen, run.added, run.groups_seen) == (3, 3, 3)
    rows = {
        a.username: (a.display_name, a.employee_id, a.disabled, a.last_login_at is not None)
        for a in Account.objects.filter(source=source)
    }
    assert rows == {
        "somchai": ("นายสมชาย  ใจดี", "E001", False, True),
        "root": ("", "", False, False),
        "temp": ("Temp", "", False, False),
    }
    groups = {
        a.username: sorted(m.group.name for m in a.memberships.all())
        for a in Account.objects.filter(source=source).prefetch_related("memberships__group")
    }
    assert groups == {"somchai": ["auditor@B", "collector@B-IT"], "root": ["admin"], "temp": []}
    assert source.tracks_login is True
    # root and temp carry no employee id: orphans until linked or marked
    kinds = {(f.account, f.kind) for f in findings(timezone.localdate())}
    assert kinds == {("lakthan-users:root", "orphan"), ("lakthan-users:temp", "orphan")}


@pytest.mark.django_db
def test_a_second_sync_records_a_rename_a_deactivation_a_lost_role_and_a_deleted_user(lakthan_users):
    from lakthan.access.models import Account, AccountChange, Membership
    from lakthan.access.services.sync import sync
    from lakthan.core.models import RoleGrant

    source, somchai, root = lakthan_users
    sync(source)
    assert sync(source).changed == 0  # idempotent

    somchai.username, somchai.is_active = "somchai.j", False
    somchai.save()
    RoleGrant.objects.filter(user=somchai, role="auditor").delete()
    root.delete()
    run = sync(source)

    assert (run.changed, run.gone, run.memberships_ended) == (1, 1, 2)  # root's admin, somchai's auditor
    renamed = Account.objects.get(source=source, username="somchai.j")
    change = AccountChange.objects.get(account=renamed, kind="changed")
    assert change.before == {"username": "somchai", "disabled": False}
    assert change.after == {"username": "somchai.j", "disabled": True}
    assert renamed.disabled_seen_at is not None
    gone = Account.objects.get(source=source, username="root")
    assert gone.gone_at is not None and gone.changes.filter(kind="gone").exists()
    ended = Membership.objects.filter(account=renamed, until__isnull=False).values_list(
        "group__name", flat=True
    )
    assert list(ended) == ["auditor@B"]


@pytest.mark.django_db
def test_a_lakthan_source_is_added_from_the_cli_and_refuses_write(units, cli):
    from lakthan.inventory.services import add_system

    add_system("lakthan", name_th="ระบบลักษณ์ธรรม", unit=units, klass="intranet")
    refused = cli(
        "access", "source", "add", "lk", "--unit", "B", "--system", "lakthan", "--lakthan", "--write"
    )
    assert refused.exit_code == 2 and "--write" in refused.output
    added = cli("access", "source", "add", "lk", "--unit", "B", "--system", "lakthan", "--lakthan")
    assert added.exit_code == 0, added.output
    assert "added lakthan source lk for system lakthan" in added.output
    synced = cli("access", "sync", "lk")
    assert synced.exit_code == 0 and "lk: 0 accounts" in synced.output
