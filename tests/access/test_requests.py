"""Access requests against the real directory: approved by the unit head and the system owner, the
right applied in slapd (member added, account unlocked, read back), expired and removed; rejections
need a comment; nobody approves for themselves, their own filing or another unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from lakthan.core.errors import InvalidInput
from tests.access import requests_fixtures
from tests.access.requests_fixtures import ADMINS, MAI, MANA, STAFF, employee, group, members

office = requests_fixtures.office

pytestmark = pytest.mark.django_db


def file_request(office, employee_id="E006", group_name="admins", until=None, by=None, **extra):
    from lakthan.access.services.requests import create_request

    return create_request(
        employee=employee(employee_id),
        system=office.system,
        group=group(group_name) if group_name else None,
        justification="ปฏิบัติหน้าที่ผู้ดูแลระบบแทนผู้ที่ลาศึกษาต่อ",
        until=until,
        requested_by=(by or office.clerk).user,
        actor=(by or office.clerk).user.username,
        **extra,
    )


def test_approved_by_head_and_owner_the_account_joins_the_group_in_slapd_and_is_unlocked(office):
    from lakthan.access.models import AccessRequest, Account
    from lakthan.access.services.requests import approved_rights, decide, today

    directory = office.bureau.directory
    assert directory.attribute(MAI, "pwdAccountLockedTime") == ["000001010000Z"]
    assert not directory.can_bind(MAI, "user-password")
    request = file_request(office)

    request = decide(request, office.head_it, "approve", actor="weera")
    assert request.state == "pending"  # one of two
    assert MAI not in members(office, ADMINS)

    request = decide(request, office.owner, "approve", "ตรวจสอบแล้ว", actor="somsak")

    assert request.state == AccessRequest.State.APPLIED
    assert MAI in members(office, ADMINS)
    assert directory.attribute(MAI, "pwdAccountLockedTime") == []
    assert directory.can_bind(MAI, "user-password")
    grant = request.grant
    assert grant.applied_how == "directory" and grant.unlocked and grant.applied_at is not None
    mai = Account.objects.get(username="mai")
    assert not mai.disabled
    assert approved_rights(today()) == {(mai.pk, group("admins").pk)}
    # somchai's older membership of admins has no approval behind it
    assert approved_rights(today() - timedelta(days=1)) == set()


def test_expired_grant_is_removed_from_the_group_in_slapd(office):
    from lakthan.access.models import Membership
    from lakthan.access.services.requests import approved_rights, decide, expire_grants, today
    from lakthan.access.services.sync import sync

    day = today()
    request = file_request(office, until=day)
    decide(request, office.head_it, "approve", actor="weera")
    decide(request, office.owner, "approve", actor="somsak")
    assert MAI in members(office, ADMINS)

    assert expire_grants(day) == []  # the last day still holds
    steps = expire_grants(day + timedelta(days=1), actor="schedule")

    assert [(s.person, s.right, s.action) for s in steps] == [("E006", "admins", "removed")]
    assert MAI not in members(office, ADMINS)
    assert "uid=somchai,ou=people,dc=agency,dc=example" in members(office, ADMINS)
    request.refresh_from_db()
    assert request.state == "expired" and request.grant.expiry == "removed"
    assert not Membership.objects.filter(
        account__username="mai", group__name="admins", until__isnull=True
    ).exists()
    assert approved_rights(day + timedelta(days=1)) == set()
    assert sync(office.bureau.source).memberships_ended == 0  # Lakthan's record matches the directory


def test_without_a_writable_source_it_waits_for_the_administrator_and_expiry_opens_a_task(office):
    from lakthan.access.services.requests import apply_grant, decide, expire_grants, mark_applied, today

    office.bureau.source.may_write = False
    office.bureau.source.save()
    request = file_request(office, employee_id="E001", group_name="staff", until=today())
    decide(request, office.head_it, "approve", actor="weera")
    request = decide(request, office.owner, "approve", actor="somsak")

    assert request.state == "approved"
    with translation.override("th"):
        assert request.get_state_display() == "อนุมัติแล้ว รอผู้ดูแลระบบดำเนินการ"
    with pytest.raises(InvalidInput, match="may not write"):
        apply_grant(request)
    grant = mark_applied(request, actor="it-admin")
    assert (grant.applied_how, grant.applied_by) == ("manual", "it-admin")
    with pytest.raises(InvalidInput, match="not approved"):
        mark_applied(request)

    steps = expire_grants(today() + timedelta(days=1))

    assert [s.action for s in steps] == ["task"]
    grant.refresh_from_db()
    assert grant.expiry_deadline == today() + timedelta(days=8)
    assert "uid=somchai,ou=people,dc=agency,dc=example" in members(office, STAFF)  # nothing written


def test_a_rejection_needs_a_comment_and_rejects_the_request(office):
    from lakthan.access.services.requests import decide

    request = file_request(office)
    with pytest.raises(InvalidInput, match="needs a comment"):
        decide(request, office.owner, "reject", "  ")
    request = decide(request, office.owner, "reject", "ไม่มีคำสั่งมอบหมายงาน", actor="somsak")
    assert request.state == "rejected"
    assert request.approvals.get().comment == "ไม่มีคำสั่งมอบหมายงาน"
    with pytest.raises(InvalidInput, match="is rejected, not pending"):
        decide(request, office.head_it, "approve")
    assert MAI not in members(office, ADMINS)


@pytest.fixture
def director(office):
    """The bureau's head, above the heads of IT and HR."""
    from lakthan.core.models import Unit
    from lakthan.core.services import add_person, set_unit_head

    user = office.clerk.user.__class__.objects.create_user("amnat", password="pw-amnat")
    person = add_person(
        Unit.objects.get(code="B"), "อำนาจ", "สั่งการ", title_th="พ.ต.อ.", position_th="ผู้บังคับการ", user=user
    )
    set_unit_head(Unit.objects.get(code="B"), person)
    return person


def test_the_one_who_filed_a_request_cannot_decide_it(office, director):
    from lakthan.access.services.requests import approvers, decide

    request = file_request(office, by=office.head_it)  # the head of IT files for mai

    with pytest.raises(InvalidInput, match="you filed this request"):
        decide(request, office.head_it, "approve")
    assert approvers(request)["unit_head"] == director  # the unit head's role passes up
    decide(request, director, "approve")
    assert request.approvals.get().person == director


def test_a_head_asking_for_themselves_is_approved_by_the_head_above_never_by_themselves(office, director):
    from lakthan.access.services.requests import approvers, decide

    weera = employee("E007")  # วีระ กล้าหาญ, the head of IT, in the HR roster
    weera.person = office.head_it
    weera.save()
    request = file_request(office, employee_id="E007", group_name="staff")

    assert approvers(request)["unit_head"] == director
    with pytest.raises(InvalidInput, match="your own rights"):
        decide(request, office.head_it, "approve")


def test_without_an_eligible_approver_the_request_is_refused_when_filed(office):
    from lakthan.access.services.requests import create_request
    from lakthan.inventory.services import update_system

    with pytest.raises(InvalidInput, match="have no head who may approve"):
        file_request(office, by=office.head_it)  # no head above IT's
    system = update_system(office.system, owner=None)
    with pytest.raises(InvalidInput, match="has no owner who may approve"):
        create_request(
            employee=employee("E001"), system=system, group=group("staff"), justification="งานประจำ"
        )


def test_the_head_of_another_unit_cannot_approve(office):
    from lakthan.access.services.requests import decide

    request = file_request(office)
    for stranger in (office.head_hr, office.outsider):
        with pytest.raises(InvalidInput, match="is not an approver"):
            decide(request, stranger, "approve")
    assert request.approvals.count() == 0


def test_one_person_head_and_owner_approves_once_for_both(office):
    from lakthan.access.services.requests import decide
    from lakthan.inventory.services import update_system

    office.system = update_system(office.system, owner=office.head_hr)
    request = file_request(office, employee_id="E003", group_name="admins")  # มานะ อดทน, HR

    request = decide(request, office.head_hr, "approve", actor="prapa")

    assert sorted(request.approvals.values_list("role", "person__first_name_th")) == [
        ("owner", "ประภา"),
        ("unit_head", "ประภา"),
    ]
    assert request.state == "applied"
    assert MANA in members(office, ADMINS)


def test_requests_are_refused_for_leavers_duplicates_past_dates_and_foreign_groups(office, tmp_path):
    from lakthan.access.services.requests import today

    with pytest.raises(InvalidInput, match="resigned in the HR roster"):
        file_request(office, employee_id="E002")
    file_request(office)
    with pytest.raises(InvalidInput, match="already has this request open"):
        file_request(office)
    with pytest.raises(InvalidInput, match="has passed"):
        file_request(office, employee_id="E001", until=today() - timedelta(days=1))
    with pytest.raises(InvalidInput, match="not both"):
        file_request(office, employee_id="E001", role_name="ผู้ตรวจสอบ")
    with pytest.raises(InvalidInput, match="a justification is required"):
        from lakthan.access.services.requests import create_request

        create_request(
            employee=employee("E001"), system=office.system, group=group("staff"), justification=" "
        )


def test_a_directory_that_refuses_leaves_the_request_approved_with_the_error(office):
    from lakthan.access.services.requests import decide

    office.bureau.directory.stop()
    decide(file_request(office), office.head_it, "approve")
    request = decide(file_request(office, employee_id="E001", group_name="staff"), office.head_it, "approve")
    request = decide(request, office.owner, "approve")

    assert request.state == "approved"
    assert "cannot bind" in request.grant.apply_error


def test_the_expiry_job_runs_once_a_day_just_after_midnight_in_bangkok():
    from datetime import UTC, datetime

    from huey.contrib.djhuey import HUEY

    import lakthan.access.tasks
    from lakthan.lib.timezones import BANGKOK

    task = lakthan.access.tasks.grants_expiry.task_class
    start = datetime(2026, 11, 30, 0, 0)
    fired = [
        (start + timedelta(minutes=m)).replace(tzinfo=UTC).astimezone(BANGKOK)
        for m in range(2 * 24 * 60)
        if any(type(t) is task for t in HUEY.read_periodic(start + timedelta(minutes=m)))
    ]
    assert [(t.day, t.hour, t.minute) for t in fired] == [(1, 0, 15), (2, 0, 15)]


def test_a_group_of_unique_names_gets_a_unique_member(office):
    from lakthan.access.services.requests import decide
    from lakthan.access.services.sync import sync

    directory = office.bureau.directory
    auditors = "cn=auditors,ou=groups,dc=agency,dc=example"
    with directory.connection() as conn:
        conn.add(
            auditors,
            ["groupOfUniqueNames"],
            {"cn": "auditors", "uniqueMember": ["uid=somchai,ou=people,dc=agency,dc=example"]},
        )
    sync(office.bureau.source)
    request = file_request(office, employee_id="E001", group_name="auditors")
    decide(request, office.head_it, "approve")
    decide(request, office.owner, "approve")

    held = {m.lower() for m in directory.attribute(auditors, "uniqueMember")}
    assert "uid=somchai,ou=people,dc=agency,dc=example" in held  # somchai (E001) was already a member
    request.refresh_from_db()
    assert request.state == "applied" and not request.grant.unlocked
    request = file_request(office, employee_id="E006", group_name="auditors")
    decide(request, office.head_it, "approve")
    decide(request, office.owner, "approve")
    assert MAI in {m.lower() for m in directory.attribute(auditors, "uniqueMember")}


def test_a_right_granted_by_an_approved_request_counts_as_approved_for_the_item_10_check(office):
    from lakthan.access.models import Account, Membership
    from lakthan.access.services.requests import decide, today
    from lakthan.access.services.round_review import rights_with_approval
    from lakthan.checks.registry import Period

    round_ = Period(today() - timedelta(days=30), today())
    mai = Account.objects.get(username="mai")
    assert rights_with_approval(round_, office.bureau.unit) == set()  # nothing reviewed, nothing granted

    request = decide(file_request(office), office.head_it, "approve", actor="weera")
    decide(request, office.owner, "approve", actor="somsak")

    granted = Membership.objects.get(account=mai, group=group("admins"), until__isnull=True)
    assert rights_with_approval(round_, office.bureau.unit) == {granted.pk}
    # a round that ended before the grant does not count it
    assert (
        rights_with_approval(Period(round_.start, today() - timedelta(days=1)), office.bureau.unit) == set()
    )
