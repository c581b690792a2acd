"""Review campaigns against the real slapd: the snapshot and its reviewers, no self-review, bulk keep,
revoke needs a comment, the no-answer policy at close, a revoke removed from the directory."""

from __future__ import annotations

from datetime import timedelta

import ldap3
import pytest
from click.testing import CliRunner

from lakthan.core.errors import InvalidInput
from tests.access import review_setup
from tests.access.review_setup import ADMINS, PEOPLE, STAFF, due_in, items_by_right

pytestmark = pytest.mark.django_db
review = review_setup.review


def test_start_snapshots_every_enabled_right_with_its_reviewer_and_nobody_reviews_themself(review):
    from lakthan.access.services.campaigns import start

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"], actor="it-admin")

    items = items_by_right(campaign)
    assert {k: (i.reviewer.first_name_th, i.reviewer_role) for k, i in items.items()} == {
        # somchai heads B-IT himself: his rights go to the system owner
        ("dir:somchai", "admins"): ("เจ้าของ", "owner"),
        ("dir:somchai", "staff"): ("เจ้าของ", "owner"),
        ("dir:somying", "staff"): ("สมชาย", "head"),
        ("dir:mana", "staff"): ("มาลี", "head"),
    }
    assert all(i.reviewer_id != i.subject_id for i in items.values())
    assert items[("dir:somying", "staff")].person_name == "นางสาวสมหญิง  รักงาน"
    assert (campaign.state, campaign.no_answer, campaign.started_by) == ("open", "keep", "it-admin")


def test_a_fallback_who_would_review_their_own_rights_is_refused(review):
    from lakthan.access.models import ReviewCampaign
    from lakthan.access.services.campaigns import start

    review.system.owner = None
    review.system.save()

    with pytest.raises(InvalidInput) as refused:
        start(review.unit, due_in(14), fallback=review.people["E001"])

    assert "own rights (dir:somchai)" in refused.value.message("en")
    assert not ReviewCampaign.objects.exists()


def test_privileged_only_covers_flagged_and_named_groups_and_revokes_what_nobody_answered(review, settings):
    from lakthan.access.models import Group
    from lakthan.access.services.campaigns import close, flag_privileged, keep_all_pending, start
    from lakthan.access.services.sync import sync

    settings.LAKTHAN_ACCESS_PRIVILEGED_GROUPS = ["ADMINS"]
    with review.directory.connection() as conn:  # a third member (the admin entry) keeps the group valid
        conn.add(
            "cn=dba,ou=groups,dc=agency,dc=example",
            ["groupOfNames"],
            {
                "cn": "dba",
                "member": [f"uid=somchai,{PEOPLE}", f"uid=mana,{PEOPLE}", "cn=admin,dc=agency,dc=example"],
            },
        )
    sync(review.source)
    flag_privileged(Group.objects.get(name="dba"), actor="it-admin")

    campaign = start(review.unit, due_in(7), privileged_only=True, fallback=review.people["E007"])
    assert set(items_by_right(campaign)) == {
        ("dir:somchai", "admins"),
        ("dir:somchai", "dba"),
        ("dir:mana", "dba"),
    }
    assert campaign.no_answer == "revoke"
    keep_all_pending(campaign, by=review.owner)

    close(campaign)

    mana = items_by_right(campaign)[("dir:mana", "dba")]
    assert (mana.decision, mana.outcome, mana.removal) == ("no_answer", "revoke", "removed")
    assert review.directory.attribute("cn=dba,ou=groups,dc=agency,dc=example", "member") == [
        f"uid=somchai,{PEOPLE}",
        "cn=admin,dc=agency,dc=example",
    ]


def test_bulk_keep_decides_only_the_reviewers_own_pending_items(review):
    from lakthan.access.services.campaigns import keep_all_pending, start

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])

    kept = keep_all_pending(campaign, by=review.owner, actor="owner")

    items = items_by_right(campaign)
    assert kept == 2
    assert {k for k, i in items.items() if i.decision == "keep"} == {
        ("dir:somchai", "admins"),
        ("dir:somchai", "staff"),
    }
    assert items[("dir:somying", "staff")].decision == ""
    assert items[("dir:somchai", "staff")].decided_by_person == review.owner
    campaign.refresh_from_db()
    assert campaign.state == "open"


def test_revoke_without_a_comment_is_refused_and_nobody_decides_their_own_right(review):
    from lakthan.access.services.campaigns import decide, start

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    items = items_by_right(campaign)
    somying = items[("dir:somying", "staff")]

    with pytest.raises(InvalidInput) as no_comment:
        decide(campaign, [somying.pk], "revoke", by=review.people["E001"], comment="  ")
    with pytest.raises(InvalidInput) as not_theirs:
        decide(campaign, [items[("dir:somchai", "staff")].pk], "keep", by=review.people["E001"])

    assert no_comment.value.message("en") == "a revoke needs a comment"
    assert "may not decide" in not_theirs.value.message("en")
    assert not campaign.items.exclude(decision="").exists()


def test_a_revoke_removes_the_membership_in_slapd_when_the_campaign_completes(review):
    from lakthan.access.models import Membership
    from lakthan.access.services.campaigns import decide, keep_all_pending, start
    from lakthan.access.services.sync import sync

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    items = items_by_right(campaign)
    somying = items[("dir:somying", "staff")]
    keep_all_pending(campaign, by=review.owner)
    keep_all_pending(campaign, by=review.people["E004"])
    assert review.directory.attribute(STAFF, "member").count(f"uid=somying,{PEOPLE}") == 1

    decide(campaign, [somying.pk], "revoke", by=review.people["E001"], comment="ลาออกแล้ว", actor="somchai")

    campaign.refresh_from_db()
    somying.refresh_from_db()
    assert campaign.state == "completed"
    assert (somying.outcome, somying.removal, somying.comment) == ("revoke", "removed", "ลาออกแล้ว")
    assert f"uid=somying,{PEOPLE}" not in review.directory.attribute(STAFF, "member")
    assert review.directory.attribute(f"uid=somying,{PEOPLE}", "memberOf") == []
    assert Membership.objects.get(pk=somying.membership_id).until is not None
    run = sync(review.source)  # the directory agrees with what Lakthan recorded
    assert (run.memberships_ended, run.memberships_added) == (0, 0)


def test_close_records_no_answer_and_applies_the_policy(review):
    from lakthan.access.services.campaigns import close, keep_all_pending, start

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    keep_all_pending(campaign, by=review.owner)

    close(campaign, actor="cli")

    items = items_by_right(campaign)
    campaign.refresh_from_db()
    assert campaign.state == "closed"
    assert {k: (i.decision, i.outcome, i.flagged) for k, i in items.items()} == {
        ("dir:somchai", "admins"): ("keep", "keep", False),
        ("dir:somchai", "staff"): ("keep", "keep", False),
        ("dir:somying", "staff"): ("no_answer", "keep", True),
        ("dir:mana", "staff"): ("no_answer", "keep", True),
    }
    assert f"uid=mana,{PEOPLE}" in review.directory.attribute(STAFF, "member")  # kept: untouched
    with pytest.raises(InvalidInput):
        close(campaign)


def test_a_removal_the_directory_refuses_is_recorded_failed_and_retried(review):
    from lakthan.access.services.campaigns import decide, start
    from lakthan.access.services.revocations import retry_failed

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    admins = items_by_right(campaign)[("dir:somchai", "admins")]
    decide(campaign, [admins.pk], "revoke", by=review.owner, comment="ไม่ใช่ผู้ดูแลระบบแล้ว")

    from lakthan.cli import main

    closed = CliRunner().invoke(
        main, ["access", "campaign", "close", str(campaign.pk)]
    )  # somchai is the only member: groupOfNames may not be left empty

    admins.refresh_from_db()
    assert closed.exit_code == 1 and "removals: failed 1" in closed.output
    assert admins.removal == "failed" and "objectClassViolation" in admins.removal_error
    review.directory.modify(
        "cn=admins,ou=groups,dc=agency,dc=example",
        {"member": [(ldap3.MODIFY_ADD, ["cn=admin,dc=agency,dc=example"])]},
    )
    assert retry_failed() == {"removed": 1}
    admins.refresh_from_db()
    assert (admins.removal, admins.removal_error) == ("removed", "")
    assert review.directory.attribute(ADMINS, "member") == ["cn=admin,dc=agency,dc=example"]


def test_without_write_permission_a_revoke_opens_a_task_with_a_deadline(review, settings):
    from lakthan.access.services.campaigns import close, decide, start

    review.source.may_write = False
    review.source.save()
    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    somying = items_by_right(campaign)[("dir:somying", "staff")]
    decide(campaign, [somying.pk], "revoke", by=review.people["E001"], comment="ลาออก")

    close(campaign)

    somying.refresh_from_db()
    assert (somying.removal, somying.removal_deadline) == (
        "task",
        somying.removal_at.astimezone(review_setup.BANGKOK).date()
        + timedelta(days=settings.LAKTHAN_ACCESS_LEAVER_DAYS),
    )
    assert f"uid=somying,{PEOPLE}" in review.directory.attribute(STAFF, "member")  # untouched


def test_reduce_revokes_some_groups_of_one_account_and_keeps_the_others(review):
    from lakthan.access.services.campaigns import reduce, start

    campaign = start(review.unit, due_in(14), fallback=review.people["E007"])
    items = items_by_right(campaign)
    admins = items[("dir:somchai", "admins")]

    with pytest.raises(InvalidInput):
        reduce(campaign, [admins.pk], by=review.owner, comment="")
    with pytest.raises(InvalidInput):  # two accounts are not one reduction
        reduce(campaign, [admins.pk, items[("dir:mana", "staff")].pk], by=review.owner, comment="x")
    revoked, kept = reduce(campaign, [admins.pk], by=review.owner, comment="ย้ายไปงานธุรการ ไม่ต้องดูแลระบบ")

    items = items_by_right(campaign)
    assert (revoked, kept) == (1, 1)
    assert [(k, i.decision, i.reduced) for k, i in items.items() if k[0] == "dir:somchai"] == [
        (("dir:somchai", "admins"), "revoke", True),
        (("dir:somchai", "staff"), "keep", False),
    ]
    assert items[("dir:somchai", "admins")].comment == "ย้ายไปงานธุรการ ไม่ต้องดูแลระบบ"
