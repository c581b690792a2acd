"""The problem log's services: the SLA snapshot, the assignee from the owners in force, every transition
with its update and audit entry, and the changes refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.problems.models import Problem, ProblemUpdate
from lakthan.problems.services import log, owners
from tests.problems import problog_fixtures
from tests.problems.problog_fixtures import REPORTED, report, set_target

office = problog_fixtures.office
pytestmark = pytest.mark.django_db


def test_a_problem_takes_the_sla_in_force_when_reported_and_keeps_it(office):
    problem = report(office, severity=1)
    assert (problem.sla_hours, problem.sla_business_hours) == (4, False)
    assert problem.due_at == REPORTED + timedelta(hours=4)
    # a stricter target set later does not rewrite the problem's snapshot
    set_target(1, 1, False, datetime(2013, 8, 1, tzinfo=UTC))
    problem.refresh_from_db()
    assert problem.sla_hours == 4 and problem.due_at == REPORTED + timedelta(hours=4)
    later = report(office, severity=1, reported_at=datetime(2013, 8, 2, 2, 0, tzinfo=UTC))
    assert later.sla_hours == 1


def test_business_hours_count_from_the_office_opening_across_a_weekend(office):
    # Friday 12 Jul 2013 15:30 Bangkok, 16 office hours (08:30–16:30, no calendar loaded)
    friday = datetime(2013, 7, 12, 8, 30, tzinfo=UTC)
    problem = report(office, severity=3, reported_at=friday)
    assert problem.sla_business_hours is True and problem.sla_hours == 16
    # 1 h Friday (15:30–16:30), 8 h Monday, 7 h Tuesday → Tuesday 16 Jul 15:30 Bangkok
    assert problem.due_at == datetime(2013, 7, 16, 8, 30, tzinfo=UTC)


def test_no_target_for_the_severity_means_no_due_time(office):
    problem = report(office, severity=2)
    assert problem.sla_hours is None and problem.due_at is None
    assert log.as_dict(problem)["overdue"] is False


def test_the_assignee_is_the_owner_at_the_unit_before_the_owner_everywhere(office):
    owners.add_owner(office.mail, office.central, order=office.order, actor="test")
    owners.add_owner(office.mail, office.local, unit=office.cp, order=office.order, actor="test")
    assert report(office, unit=office.cp).assignee == office.local
    assert report(office, unit=office.it).assignee == office.central
    # a unit below the checkpoint's parent is not the checkpoint: B (above) gets the everywhere owner
    assert report(office, unit=office.b).assignee == office.central
    # a system nobody owns: no assignee; a named assignee wins over the owner
    assert report(office, system=office.pibics).assignee is None
    assert report(office, unit=office.cp, assignee=office.later).assignee == office.later


def test_the_owner_is_the_one_whose_period_covers_the_day_reported(office):
    owners.add_owner(office.mail, office.central, until=date(2013, 6, 30), actor="test")
    owners.add_owner(office.mail, office.later, since=date(2013, 7, 1), actor="test")
    june = datetime(2013, 6, 30, 16, 59, tzinfo=UTC)  # 23:59 on 30 Jun in Bangkok
    july = datetime(2013, 6, 30, 17, 0, tzinfo=UTC)  # 00:00 on 1 Jul in Bangkok
    assert report(office, reported_at=june).assignee == office.central
    assert report(office, reported_at=july).assignee == office.later
    assert owners.owner_for(office.mail, office.it, date(2013, 6, 30)).person == office.central
    assert owners.owner_for(office.mail, office.it, date(2013, 7, 1)).person == office.later


def test_a_newer_order_supersedes_an_open_ended_one(office):
    owners.add_owner(office.mail, office.central, since=date(2012, 10, 1), actor="test")
    owners.add_owner(office.mail, office.later, since=date(2013, 3, 1), actor="test")
    assert owners.owner_for(office.mail, office.it, date(2013, 2, 28)).person == office.central
    assert owners.owner_for(office.mail, office.it, date(2013, 3, 1)).person == office.later


def test_owners_refuse_an_end_before_the_start_and_evidence_that_is_not_an_order(office):
    import io

    from lakthan.evidence import services as ev
    from tests.conftest import pdf_bytes

    with pytest.raises(InvalidInput, match="before since"):
        owners.add_owner(office.mail, office.central, since=date(2013, 2, 1), until=date(2013, 1, 1))
    photo = ev.add_file(office.it, io.BytesIO(pdf_bytes()), "p.pdf", ev.Metadata(title="ภาพ", kind="photo"))
    with pytest.raises(InvalidInput, match="not an order"):
        owners.add_owner(office.mail, office.central, order=photo)
    owner = owners.add_owner(office.mail, office.central, actor="clerk")
    owners.remove_owner(owner, actor="clerk")
    # the assignment ended yesterday: the past still names the owner, today does not
    assert owners.owner_for(office.mail, office.it, date(2013, 1, 1)) == owner
    assert owners.owner_for(office.mail, office.it, timezone.localdate()) is None
    owner.refresh_from_db()
    assert owner.until == timezone.localdate() - timedelta(days=1)
    # an assignment from tomorrow, withdrawn before it started, goes whole
    planned = owners.add_owner(office.mail, office.central, since=timezone.localdate() + timedelta(days=1))
    owners.remove_owner(planned, actor="clerk")
    assert not type(planned).objects.filter(pk=planned.pk).exists()
    assert AuditEntry.objects.filter(action="problem.owner_remove", object_id=str(owner.pk)).exists()


def test_every_transition_writes_an_update_and_an_audit_entry(office):
    problem = report(office)
    log.assign(problem, office.later, actor="head", at=REPORTED + timedelta(minutes=10), note="ด่วน")
    log.start(problem, actor="manop", at=REPORTED + timedelta(minutes=20))
    fixed = REPORTED + timedelta(hours=3)
    log.close_problem(problem, fixed_at=fixed, fix="เปลี่ยนรหัสผ่าน SMTP", result="ส่งได้ตามปกติ", actor="manop")
    assert problem.status == Problem.Status.CLOSED and problem.fixed_at == fixed
    log.reopen(problem, reason="ส่งไม่ได้อีกครั้ง", actor="head")
    assert problem.status == Problem.Status.OPEN and problem.fixed_at is None and problem.fix == ""
    log.cancel(problem, reason="ซ้ำกับปัญหาอื่น", actor="head")
    updates = log.history(problem)
    assert [(u.status, u.actor, u.note) for u in updates] == [
        ("open", "test", ""),
        ("open", "head", "ด่วน"),
        ("in_progress", "manop", ""),
        ("closed", "manop", "เปลี่ยนรหัสผ่าน SMTP"),
        ("open", "head", "ส่งไม่ได้อีกครั้ง"),
        ("cancelled", "head", "ซ้ำกับปัญหาอื่น"),
    ]
    assert updates[1].assignee == office.later and updates[0].assignee is None
    events, previous = [], None
    for u in updates:
        events.append(log.event_of(u, previous))
        previous = u
    assert events == ["reported", "assigned", "started", "closed", "reopened", "cancelled"]
    actions = list(
        AuditEntry.objects.filter(object_type="problems.problem", object_id=str(problem.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "problem.add",
        "problem.assign",
        "problem.start",
        "problem.close",
        "problem.reopen",
        "problem.cancel",
    ]


def test_within_and_breached_follow_the_due_time(office):
    on_time = log.close_problem(report(office), fixed_at=REPORTED + timedelta(hours=4), fix="แก้แล้ว")
    late = log.close_problem(report(office), fixed_at=REPORTED + timedelta(hours=4, seconds=1), fix="แก้แล้ว")
    assert log.within_sla(on_time) is True and log.within_sla(late) is False
    assert log.as_dict(late)["time_taken_s"] == 4 * 3600 + 1
    still_open = report(office)
    assert log.is_overdue(still_open) is True and log.within_sla(still_open) is None
    assert [p.pk for p in log.list_problems(overdue_at=timezone.now())] == [still_open.pk]


def test_closing_twice_and_changing_a_closed_problem_are_refused(office):
    problem = log.close_problem(report(office), fixed_at=REPORTED + timedelta(hours=1), fix="แก้แล้ว")
    with pytest.raises(InvalidInput, match="closed"):
        log.close_problem(problem, fixed_at=REPORTED + timedelta(hours=2), fix="อีกครั้ง")
    for change in (
        lambda: log.assign(problem, office.later),
        lambda: log.start(problem),
        lambda: log.cancel(problem, reason="x"),
    ):
        with pytest.raises(InvalidInput, match="reopened"):
            change()
    cancelled = log.cancel(report(office), reason="แจ้งผิด")
    with pytest.raises(InvalidInput, match="cancelled"):
        log.close_problem(cancelled, fixed_at=REPORTED + timedelta(hours=1), fix="x")
    with pytest.raises(InvalidInput, match="nothing to reopen"):
        log.reopen(report(office), reason="x")
    assert ProblemUpdate.objects.filter(problem=problem).count() == 2


def test_bad_times_texts_and_severities_are_refused_and_nothing_is_stored(office):
    before = Problem.objects.count()
    future = timezone.now() + timedelta(minutes=5)
    with pytest.raises(InvalidInput, match="future"):
        report(office, reported_at=future)
    for bad in (0, 5, "1", True):
        with pytest.raises(InvalidInput, match="severity"):
            report(office, severity=bad)
    with pytest.raises(InvalidInput, match="title"):
        report(office, title="   ")
    assert Problem.objects.count() == before
    problem = report(office)
    with pytest.raises(InvalidInput, match="before reported"):
        log.close_problem(problem, fixed_at=REPORTED - timedelta(minutes=1), fix="x")
    with pytest.raises(InvalidInput, match="future"):
        log.close_problem(problem, fixed_at=future, fix="x")
    with pytest.raises(InvalidInput, match="fix is required"):
        log.close_problem(problem, fixed_at=REPORTED + timedelta(hours=1), fix=" ")
    with pytest.raises(InvalidInput, match="reason is required"):
        log.cancel(problem, reason="")
    with pytest.raises(InvalidInput, match="before problem"):
        log.start(problem, at=REPORTED - timedelta(hours=1))
    log.start(problem)
    with pytest.raises(InvalidInput, match="already in progress"):
        log.start(problem)
    problem.refresh_from_db()
    assert problem.status == "in_progress" and problem.updates.count() == 2


def test_a_naive_time_is_read_in_bangkok(office):
    problem = report(office, reported_at=datetime(2013, 7, 11, 9, 5))
    assert problem.reported_at == REPORTED
