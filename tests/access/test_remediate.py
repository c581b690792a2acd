"""Leavers locked in the real directory: read back, bind refused, the days recorded, gone from the findings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.access.conftest import AS_OF

pytestmark = pytest.mark.django_db
DAY = date.fromisoformat(AS_OF)
SOMYING = "uid=somying,ou=people,dc=agency,dc=example"


def leavers(day=DAY) -> set[str]:
    from lakthan.access.services.findings import findings

    return {f.account for f in findings(day) if f.kind == "leaver_active"}


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(bureau):
    from lakthan.access.models import Remediation
    from lakthan.access.services.remediate import remediate

    steps = remediate(DAY, dry_run=True)

    assert [(s.account, s.action, s.person) for s in steps] == [("dir:somying", "disable", "E002")]
    assert bureau.directory.attribute(SOMYING, "pwdAccountLockedTime") == []
    assert bureau.directory.can_bind(SOMYING, "user-password")
    assert not Remediation.objects.exists()
    assert leavers() == {"dir:somying"}


def test_remediate_locks_the_leaver_in_ldap_records_the_days_and_the_finding_is_gone(bureau):
    from lakthan.access.models import Account, Remediation
    from lakthan.access.services.remediate import remediate
    from lakthan.access.services.sync import sync

    steps = remediate(DAY, actor="it-admin")

    today = timezone.localdate()
    assert [(s.account, s.action) for s in steps] == [("dir:somying", "disable")]
    assert bureau.directory.attribute(SOMYING, "pwdAccountLockedTime") == ["000001010000Z"]
    assert not bureau.directory.can_bind(SOMYING, "user-password")  # ppolicy refuses the locked account
    done = Remediation.objects.get()
    assert (done.outcome, done.leaver_since, done.actor) == ("disabled", date(2026, 10, 1), "it-admin")
    assert done.days == (today - date(2026, 10, 1)).days
    assert Account.objects.get(username="somying").disabled_seen_at is not None
    assert leavers() == set()
    run = sync(bureau.source)  # the directory agrees: nothing changes, the finding stays gone
    assert run.changed == 0
    assert leavers() == set()
    assert remediate(DAY) == []  # nothing left to do


def test_a_leaver_disabled_by_hand_is_seen_by_the_next_sync(bureau):
    import ldap3

    from lakthan.access.models import Account
    from lakthan.access.services.sync import sync

    bureau.directory.modify(SOMYING, {"pwdAccountLockedTime": [(ldap3.MODIFY_REPLACE, ["000001010000Z"])]})
    assert leavers() == {"dir:somying"}  # Lakthan knows only after it looks

    sync(bureau.source)

    assert leavers() == set()
    assert Account.objects.get(username="somying").disabled_seen_at is not None


def test_without_write_permission_a_task_with_a_deadline_is_opened_once(bureau, settings):
    from lakthan.access.models import Remediation
    from lakthan.access.services.remediate import remediate

    bureau.source.may_write = False
    bureau.source.save()

    first = remediate(DAY)
    second = remediate(DAY)

    assert [s.action for s in first] == ["task"]
    assert [s.action for s in second] == ["open task kept"]
    task = Remediation.objects.get()
    assert (task.outcome, task.deadline) == (
        "task",
        DAY + timedelta(days=settings.LAKTHAN_ACCESS_LEAVER_DAYS),
    )
    assert bureau.directory.can_bind(SOMYING, "user-password")  # untouched


def test_a_directory_that_refuses_the_change_is_a_failed_step_and_exit_1(bureau, cli):
    from click.testing import CliRunner

    from lakthan.access.models import Remediation
    from lakthan.cli import main

    bureau.directory.stop()

    result = CliRunner().invoke(main, ["access", "remediate", "--as-of", AS_OF])

    assert result.exit_code == 1
    assert "failed dir:somying" in result.output
    assert Remediation.objects.get().outcome == "failed"
    assert leavers() == {"dir:somying"}


def test_the_cli_remediates_and_says_how_many_days_after_leaving(bureau, cli):
    out = cli("access", "remediate", "--as-of", AS_OF).output
    days = (timezone.localdate() - date(2026, 10, 1)).days
    assert f"disable dir:somying [E002] ({days} days after leaving)" in out
    assert "1 leaver account(s)" in out
