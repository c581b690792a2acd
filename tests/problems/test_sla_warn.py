"""The warning before a breach: the assignee of an open problem with less than
LAKTHAN_PROBLEM_WARN_PERCENT (25) per cent of its allowed time left is e-mailed once."""

from __future__ import annotations

from django.core import mail

from lakthan.core.models import AuditEntry
from lakthan.problems.services.sla_summary import warn_due

from .sla_fixtures import bkk, make_problem, standard_targets


def _person(org, email="somchai@agency.example"):
    from lakthan.core.services import add_person

    person = add_person(org.division, "สมชาย", "แก้ไว", title_th="นาย")
    person.email = email
    person.save()
    return person


def test_the_assignee_is_warned_once_when_a_quarter_of_the_time_is_left(org, locmem_mail):
    standard_targets()
    person = _person(org)
    problem = make_problem(
        org.division, severity=1, reported="2013-04-02 09:00", assignee=person
    )  # due 13:00
    assert warn_due(bkk("2013-04-02 11:59")) == 0  # 61 minutes of 240 left: not yet
    assert warn_due(bkk("2013-04-02 12:01")) == 1
    assert warn_due(bkk("2013-04-02 12:30")) == 0  # once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["somchai@agency.example"]
    assert f"ปัญหา #{problem.pk}" in message.body and "ใกล้ครบกำหนดแก้ไข" in message.body
    assert "เหลือ 0 ชั่วโมง 59 นาที" in message.body and "2013-04-02 13:00" in message.body
    problem.refresh_from_db()
    assert problem.warned_at == bkk("2013-04-02 12:01")
    assert AuditEntry.objects.filter(action="problem.sla_warn", object_id=str(problem.pk)).count() == 1


def test_business_hours_left_are_counted_in_office_time(org, locmem_mail):
    standard_targets()
    person = _person(org)
    # 8 office hours from Fri 12 Apr 15:00, across Songkran: due Wed 17 15:00
    make_problem(org.division, severity=2, reported="2013-04-12 15:00", assignee=person)
    # Tue 16 (substitution day) 23:00: 6.5 office hours left of 8, though the due time is 16 h away
    assert warn_due(bkk("2013-04-16 23:00")) == 0
    assert warn_due(bkk("2013-04-17 13:00")) == 0  # exactly 2 h (25 %) left: not under
    assert warn_due(bkk("2013-04-17 13:01")) == 1
    assert "ชั่วโมงทำการ" in mail.outbox[0].body


def test_the_percentage_is_a_setting(org, locmem_mail, settings):
    settings.LAKTHAN_PROBLEM_WARN_PERCENT = 50
    standard_targets()
    make_problem(org.division, severity=1, reported="2013-04-02 09:00", assignee=_person(org))
    assert warn_due(bkk("2013-04-02 11:01")) == 1


def test_closed_unassigned_and_unreachable_problems_are_not_warned(org, locmem_mail):
    standard_targets()
    make_problem(
        org.division, severity=1, reported="2013-04-02 09:00", fixed="2013-04-02 10:00", assignee=_person(org)
    )
    make_problem(org.division, severity=1, reported="2013-04-02 09:00")  # nobody assigned
    silent = make_problem(
        org.division, severity=1, reported="2013-04-02 09:00", assignee=_person(org, email="")
    )
    assert warn_due(bkk("2013-04-02 12:30")) == 0
    assert mail.outbox == []
    silent.refresh_from_db()
    assert silent.warned_at is None  # tried again once the person has an address


def test_a_problem_already_past_due_is_told_so(org, locmem_mail):
    standard_targets()
    make_problem(org.division, severity=1, reported="2013-04-02 09:00", assignee=_person(org))
    assert warn_due(bkk("2013-04-03 09:00")) == 1
    assert "เกินกำหนดแก้ไขแล้ว" in mail.outbox[0].body
