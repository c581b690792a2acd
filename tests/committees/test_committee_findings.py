"""Each finding of the committee's record appears exactly when it should, in FY 2556 (1 Oct 2012 –
30 Sep 2013, Bangkok days); attendance, numbering and follow-up are validated and audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lakthan.committees.models import Resolution
from lakthan.committees.services import committees as csvc
from lakthan.committees.services import meetings as msvc
from lakthan.committees.services.record import committee_findings, meetings_in
from lakthan.core.errors import InvalidInput
from lakthan.core.models import AuditEntry
from lakthan.core.services import add_person
from tests.committees.committee_fixtures import FY_END, FY_START, NAME, bkk, make_board, minutes, order

pytestmark = pytest.mark.django_db


def kinds(org) -> list[str]:
    return [f["kind"] for f in committee_findings(org.bureau, FY_START, FY_END)]


def meet(board, number, when, *, with_minutes=True, org=None, attended=True):
    doc = minutes(org.bureau, doc_no=number) if with_minutes else None
    who = [board.chair, board.secretary] if attended else []
    return msvc.add_meeting(
        board.committee, number=number, held_at=when, minutes=doc, attendees=who, actor="t"
    )


def test_a_unit_without_a_committee_has_only_the_no_committee_finding(org):
    findings = committee_findings(org.bureau, FY_START, FY_END)
    assert findings == [
        {
            "kind": "no_committee",
            "committee": None,
            "detail": "สำนักงานทดสอบ ไม่มีคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศในรอบนี้",
        }
    ]


def test_a_committee_appointed_after_the_round_does_not_count_for_it(org):
    make_board(org)
    assert kinds(org) != ["no_committee"]
    assert [f["kind"] for f in committee_findings(org.bureau, date(2011, 10, 1), date(2012, 9, 30))] == [
        "no_committee"
    ]


def test_met_once_when_two_are_required_is_not_met_and_twice_is_complete(org):
    board = make_board(org, per_round=2)
    meet(board, "1/2556", bkk(2013, 1, 15, 9, 30), org=org)
    assert kinds(org) == ["not_met"]
    detail = committee_findings(org.bureau, FY_START, FY_END)[0]["detail"]
    assert "ประชุม 1 ครั้ง" in detail and "อย่างน้อย 2 ครั้ง" in detail
    meet(board, "2/2556", bkk(2013, 6, 20, 13, 0), org=org)
    assert kinds(org) == []


def test_a_meeting_outside_the_round_does_not_count_bangkok_days_decide(org):
    board = make_board(org)
    # 30 Sep 2012 23:30 in Bangkok is 16:30 UTC on the 30th: FY 2555, not 2556
    meet(board, "9/2555", bkk(2012, 9, 30, 23, 30), org=org, attended=False)  # before the members' terms
    # 1 Oct 2013 00:10 Bangkok is still 30 Sep in UTC: FY 2557
    meet(board, "1/2557", bkk(2013, 10, 1, 0, 10), org=org)
    assert meetings_in(org.bureau, FY_START, FY_END) == []
    assert kinds(org) == ["not_met"]
    meet(board, "1/2556", bkk(2012, 10, 1, 0, 0), org=org, attended=False)  # the round's first instant
    assert kinds(org) == []


def test_a_meeting_without_minutes_is_a_finding_until_the_minutes_are_attached(org):
    board = make_board(org)
    m = meet(board, "1/2556", bkk(2013, 1, 15, 9, 30), with_minutes=False, org=org)
    findings = committee_findings(org.bureau, FY_START, FY_END)
    assert [f["kind"] for f in findings] == ["no_minutes"]
    assert "1/2556" in findings[0]["detail"] and "15 ม.ค. 2556" in findings[0]["detail"]
    msvc.attach_minutes(m, minutes(org.bureau), actor="t")
    assert kinds(org) == []


def test_no_order_is_a_finding(org):
    board = make_board(org, with_order=False)
    meet(board, "1/2556", bkk(2013, 1, 15, 9, 30), org=org)
    assert kinds(org) == ["no_order"]
    csvc.set_order(board.committee, order(org.bureau), actor="t")
    assert kinds(org) == []


def test_no_chair_or_no_secretary_on_the_rounds_last_day_is_a_finding(org):
    board = make_board(org)
    meet(board, "1/2556", bkk(2013, 1, 15, 9, 30), org=org)
    csvc.end_member(board.chair, date(2013, 5, 31), actor="t")
    findings = committee_findings(org.bureau, FY_START, FY_END)
    assert [f["kind"] for f in findings] == ["no_chair_or_secretary"]
    assert "ประธานกรรมการ" in findings[0]["detail"] and "เลขานุการ" not in findings[0]["detail"]
    # a round that ended while the chair still served has no such finding
    assert committee_findings(org.bureau, date(2012, 10, 1), date(2013, 3, 31)) == []


def test_an_overdue_resolution_is_one_due_in_the_round_and_not_done_by_its_end(org):
    board = make_board(org)
    m = meet(board, "1/2556", bkk(2013, 1, 15, 9, 30), org=org)
    late = msvc.add_resolution(m, number=1, text="จัดหาเครื่องแม่ข่าย", due=date(2013, 3, 31), actor="t")
    msvc.add_resolution(m, number=2, text="ทบทวนแผนปีถัดไป", due=date(2013, 11, 30), actor="t")  # next round
    msvc.add_resolution(m, number=3, text="รับทราบรายงาน", actor="t")  # no due day
    findings = committee_findings(org.bureau, FY_START, FY_END)
    assert [f["kind"] for f in findings] == ["overdue_resolution"]
    assert "มติที่ 1" in findings[0]["detail"] and "31 มี.ค. 2556" in findings[0]["detail"]
    msvc.follow_up(late, status="in_progress", note="อยู่ระหว่างจัดซื้อ", actor="t")
    assert kinds(org) == ["overdue_resolution"]  # in progress is not done
    msvc.follow_up(late, status="done", note="ส่งมอบแล้ว", actor="t")
    # done today, after the round ended: still overdue for FY 2556 …
    assert kinds(org) == ["overdue_resolution"]
    # … but done within a round that ends today (where resolution 2, due 30 Nov 2013, is overdue)
    today = csvc.today()
    overdue = [f["detail"] for f in committee_findings(org.bureau, date(2013, 1, 1), today)]
    assert len(overdue) == 1 and "มติที่ 2 " in overdue[0]


def test_a_follow_up_written_down_later_counts_when_it_happened(org):
    board = make_board(org)
    m = meet(board, "1/2556", bkk(2013, 1, 15, 9, 30), org=org)
    r = msvc.add_resolution(m, number=1, text="จัดหาเครื่องแม่ข่าย", due=date(2013, 3, 31), actor="t")
    with pytest.raises(InvalidInput, match="before the meeting"):
        msvc.follow_up(r, status="done", note="ส่งมอบแล้ว", actor="t", at=bkk(2013, 1, 15, 9, 0))
    with pytest.raises(InvalidInput, match="in the future"):
        msvc.follow_up(r, status="done", actor="t", at=timezone.now() + timedelta(hours=1))
    msvc.follow_up(r, status="done", note="ส่งมอบแล้ว", actor="t", at=bkk(2013, 3, 28, 15, 0))
    r.refresh_from_db()
    assert r.closed_at == bkk(2013, 3, 28, 15, 0) and r.follow_up == "2013-03-28 done: ส่งมอบแล้ว"
    assert kinds(org) == []  # done before its due day, though entered today


def test_a_resolution_due_later_in_a_round_not_over_yet_is_not_overdue(org):
    board = make_board(org)
    m = meet(board, "1/2556", bkk(2013, 1, 15, 9, 30), org=org)
    today = csvc.today()
    msvc.add_resolution(m, number=1, text="ติดตั้งระบบ", due=today + timedelta(days=10), actor="t")
    assert "overdue_resolution" not in [
        f["kind"] for f in committee_findings(org.bureau, date(2013, 1, 1), today + timedelta(days=30))
    ]


# --- validation -------------------------------------------------------------------------------------


def test_a_non_member_cannot_attend(org):
    board = make_board(org)
    other = csvc.add_committee("คณะทำงานอื่น", org.bureau, actor="t")
    stranger = csvc.add_member(other, add_person(org.bureau, "ภูริพัฒน์", "เจริญสุข"), "member", actor="t")
    with pytest.raises(InvalidInput, match="not a member"):
        msvc.add_meeting(board.committee, number="1/2556", held_at=bkk(2013, 1, 15, 9), attendees=[stranger])
    with pytest.raises(InvalidInput) as exc:
        csvc.member_for(board.committee, add_person(org.bureau, "นภัสสร", "ทองดี"), date(2013, 1, 15))
    assert "ไม่ได้เป็นกรรมการ" in exc.value.message_th


def test_a_member_whose_term_ended_cannot_attend_nor_be_absent(org):
    board = make_board(org)  # the leaver served until 31 Dec 2012
    msvc.add_meeting(
        board.committee, number="1/2556", held_at=bkk(2012, 12, 31, 23, 0), attendees=[board.leaver]
    )
    with pytest.raises(InvalidInput, match="meeting's day"):
        msvc.add_meeting(
            board.committee, number="2/2556", held_at=bkk(2013, 1, 1, 9, 0), attendees=[board.leaver]
        )
    with pytest.raises(InvalidInput, match="meeting's day"):
        msvc.add_meeting(
            board.committee, number="2/2556", held_at=bkk(2013, 1, 1, 9), absent={board.leaver: "x"}
        )
    assert board.committee.meetings.count() == 1


def test_a_future_meeting_a_repeated_number_and_a_member_listed_twice_are_refused(org):
    board = make_board(org)
    with pytest.raises(InvalidInput, match="future"):
        msvc.add_meeting(board.committee, number="1/2556", held_at=timezone.now() + timedelta(minutes=5))
    msvc.add_meeting(board.committee, number="1/2556", held_at=bkk(2013, 1, 15, 9))
    with pytest.raises(InvalidInput, match="already has a meeting numbered 1/2556"):
        msvc.add_meeting(board.committee, number=" 1/2556 ", held_at=bkk(2013, 2, 15, 9))
    with pytest.raises(InvalidInput, match="listed twice"):
        msvc.add_meeting(
            board.committee,
            number="2/2556",
            held_at=bkk(2013, 2, 15, 9),
            attendees=[board.chair],
            absent={board.chair: "ลา"},
        )


def test_minutes_and_orders_must_be_evidence_of_their_kind(org):
    with pytest.raises(InvalidInput, match="not an order"):
        csvc.add_committee(NAME, org.bureau, order=minutes(org.bureau))
    board = make_board(org)
    with pytest.raises(InvalidInput, match="not minutes"):
        msvc.add_meeting(
            board.committee, number="1/2556", held_at=bkk(2013, 1, 15, 9), minutes=order(org.bureau)
        )


def test_resolutions_are_numbered_once_per_meeting_and_not_due_before_it(org):
    board = make_board(org)
    m = msvc.add_meeting(board.committee, number="1/2556", held_at=bkk(2013, 1, 15, 9))
    msvc.add_resolution(m, number=1, text="ก")
    with pytest.raises(InvalidInput, match="already has resolution 1"):
        msvc.add_resolution(m, number=1, text="ข")
    with pytest.raises(InvalidInput, match="before the meeting"):
        msvc.add_resolution(m, number=2, text="ค", due=date(2013, 1, 14))
    with pytest.raises(InvalidInput, match="1 or more"):
        msvc.add_resolution(m, number=0, text="ง")


def test_follow_up_moves_forward_only_keeps_every_note_and_is_audited(org):
    board = make_board(org)
    m = msvc.add_meeting(board.committee, number="1/2556", held_at=bkk(2013, 1, 15, 9))
    r = msvc.add_resolution(m, number=1, text="จัดทำนโยบาย")
    msvc.follow_up(r, status="in_progress", note="ร่างแล้ว", actor="secretary")
    msvc.follow_up(r, status="in_progress", note="เสนอผู้บังคับบัญชาแล้ว", actor="secretary")
    with pytest.raises(InvalidInput, match="progress note"):
        msvc.follow_up(r, status="in_progress")
    with pytest.raises(InvalidInput, match="reason"):
        msvc.follow_up(r, status="dropped")
    with pytest.raises(InvalidInput, match="cannot move from in_progress to open"):
        msvc.follow_up(r, status="open", note="x")
    msvc.follow_up(r, status="done", note="ประกาศใช้แล้ว", actor="secretary")
    with pytest.raises(InvalidInput, match="cannot move from done"):
        msvc.follow_up(r, status="dropped", note="x")
    r.refresh_from_db()
    lines = r.follow_up.splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [
        "in_progress: ร่างแล้ว",
        "in_progress: เสนอผู้บังคับบัญชาแล้ว",
        "done: ประกาศใช้แล้ว",
    ]
    trail = AuditEntry.objects.filter(action="committees.resolution.follow_up", object_id=str(r.pk)).order_by(
        "pk"
    )
    assert [(e.before["status"], e.after["status"]) for e in trail] == [
        ("open", "in_progress"),
        ("in_progress", "in_progress"),
        ("in_progress", "done"),
    ]
    assert {e.actor for e in trail} == {"secretary"}
    assert r.status == Resolution.Status.DONE


def test_members_have_one_role_each_and_a_term_that_ends_after_it_starts(org):
    board = make_board(org)
    with pytest.raises(InvalidInput, match="already chair"):
        csvc.add_member(board.committee, board.people["chair"], "chair")
    with pytest.raises(InvalidInput, match="before since"):
        csvc.add_member(
            board.committee,
            board.people["member"],
            "vice_chair",
            since=date(2013, 2, 1),
            until=date(2013, 1, 1),
        )
    with pytest.raises(InvalidInput, match="role 'boss'"):
        csvc.add_member(board.committee, board.people["member"], "boss")
    assert board.chair.since == date(2012, 10, 15)  # the appointment day by default
