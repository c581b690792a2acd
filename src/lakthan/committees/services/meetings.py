"""Meetings of a committee (item 7): the number the minutes give it, when and where it was held, who
was there and who was not (and why), the agenda, the minutes (evidence of kind MINUTES), and the
resolutions with their follow-up.

A meeting is held at a past instant; only members serving on its Bangkok day may be listed as present
or absent. A resolution's follow-up moves open → in progress → done or dropped (open may go straight
to done or dropped); done and dropped are final. Every note is kept, dated, in the resolution's
follow-up text and in the audit trail."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from lakthan.committees.models import Attendance, Committee, Meeting, Member, Resolution
from lakthan.committees.services.committees import check_evidence, members_on
from lakthan.core import audit
from lakthan.core.errors import InvalidInput
from lakthan.core.models import Person
from lakthan.evidence.models import Evidence
from lakthan.lib.text import clean_line
from lakthan.lib.timezones import BANGKOK

STATUS_TH = {
    "open": "ยังไม่ดำเนินการ",
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "done": "ดำเนินการแล้ว",
    "dropped": "ยกเลิก",
}
MOVES = {
    "open": {"in_progress", "done", "dropped"},
    "in_progress": {"in_progress", "done", "dropped"},  # in progress again: a progress note
    "done": set(),
    "dropped": set(),
}


def _check_held(held_at: datetime) -> None:
    if held_at.tzinfo is None or held_at.utcoffset() is None:
        raise InvalidInput("เวลาประชุมต้องระบุเขตเวลา", "the meeting's time must carry its offset")
    if held_at > timezone.now():
        raise InvalidInput("เวลาประชุมอยู่ในอนาคต", "the meeting's time is in the future")


def _check_attendance(
    committee: Committee, day: date, attendees: list[Member], absent: dict[Member, str]
) -> None:
    serving = {m.pk for m in members_on(committee, day)}
    seen: set[int] = set()
    for member in [*attendees, *absent]:
        name = member.person.display_name
        if member.committee_id != committee.pk:
            raise InvalidInput(
                f"{name} ไม่ได้เป็นกรรมการของ{committee.name}", f"{name} is not a member of {committee.name}"
            )
        if member.pk not in serving:
            raise InvalidInput(
                f"{name} ไม่ได้เป็นกรรมการในวันประชุม ({day})",
                f"{name} is not a member on the meeting's day ({day})",
            )
        if member.pk in seen:
            raise InvalidInput(f"ระบุ {name} ซ้ำ", f"{name} is listed twice")
        seen.add(member.pk)


@transaction.atomic
def add_meeting(
    committee: Committee,
    *,
    number: str,
    held_at: datetime,
    place: str = "",
    agenda: str = "",
    minutes: Evidence | None = None,
    attendees: list[Member] | None = None,
    absent: dict[Member, str] | None = None,
    actor: str = audit.SYSTEM,
) -> Meeting:
    """A meeting held at ``held_at`` (not in the future) numbered ``number`` (unique in the
    committee, e.g. ``1/2556``); ``attendees`` were present, ``absent`` maps a member to the reason
    (may be empty). Both lists hold only members serving on the meeting's Bangkok day."""
    number = clean_line(number)
    if not number:
        raise InvalidInput("ต้องระบุครั้งที่ประชุม (เช่น ๑/๒๕๕๖)", "the meeting needs its number (e.g. 1/2556)")
    _check_held(held_at)
    if Meeting.objects.filter(committee=committee, number=number).exists():
        raise InvalidInput(
            f"{committee.name} มีการประชุมครั้งที่ {number} อยู่แล้ว",
            f"{committee.name} already has a meeting numbered {number}",
        )
    check_evidence(minutes, Evidence.Kind.MINUTES, "รายงานการประชุม", "minutes")
    attendees, absent = list(attendees or []), dict(absent or {})
    _check_attendance(committee, held_at.astimezone(BANGKOK).date(), attendees, absent)
    meeting = Meeting.objects.create(
        committee=committee,
        number=number,
        held_at=held_at,
        place=clean_line(place),
        agenda=(agenda or "").strip(),
        minutes=minutes,
        created_by=actor,
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, member=m, present=True) for m in attendees]
        + [
            Attendance(meeting=meeting, member=m, present=False, note=clean_line(r)[:255])
            for m, r in absent.items()
        ]
    )
    audit.record(
        actor,
        "committees.meeting.add",
        meeting,
        after={
            **audit.snapshot(meeting),
            "present": [m.pk for m in attendees],
            "absent": {str(m.pk): r for m, r in absent.items()},
        },
    )
    return meeting


@transaction.atomic
def attach_minutes(meeting: Meeting, evidence: Evidence, actor: str = audit.SYSTEM) -> Meeting:
    check_evidence(evidence, Evidence.Kind.MINUTES, "รายงานการประชุม", "minutes")
    before = audit.snapshot(meeting)
    meeting.minutes = evidence
    meeting.save(update_fields=["minutes"])
    audit.record(actor, "committees.meeting.minutes", meeting, before)
    return meeting


@transaction.atomic
def add_resolution(
    meeting: Meeting,
    *,
    number: int,
    text: str,
    owner: Person | None = None,
    due: date | None = None,
    actor: str = audit.SYSTEM,
) -> Resolution:
    """Resolution ``number`` (1, 2, … — unique in the meeting) with the person to carry it out and
    the day it is due (not before the meeting's day)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("ต้องระบุข้อความมติ", "the resolution needs its text")
    if not isinstance(number, int) or number < 1 or number > 999:
        raise InvalidInput(
            f"ลำดับมติ ({number}) ต้องเป็นเลข ๑ ขึ้นไป", f"resolution number ({number}) must be 1 or more"
        )
    if Resolution.objects.filter(meeting=meeting, number=number).exists():
        raise InvalidInput(
            f"การประชุมครั้งที่ {meeting.number} มีมติที่ {number} อยู่แล้ว",
            f"meeting {meeting.number} already has resolution {number}",
        )
    held_day = meeting.held_at.astimezone(BANGKOK).date()
    if due is not None and due < held_day:
        raise InvalidInput(
            f"กำหนดเสร็จ {due} อยู่ก่อนวันประชุม {held_day}", f"due {due} is before the meeting's day {held_day}"
        )
    resolution = Resolution.objects.create(meeting=meeting, number=number, text=text, owner=owner, due=due)
    audit.record(actor, "committees.resolution.add", resolution)
    return resolution


@transaction.atomic
def follow_up(
    resolution: Resolution,
    *,
    status: str,
    note: str = "",
    actor: str = audit.SYSTEM,
    at: datetime | None = None,
) -> Resolution:
    """Moves the resolution's status (see MOVES) and keeps ``note`` dated in its follow-up text.
    Dropping needs a reason; a progress note without a new status needs the note. ``at``: when it
    happened (a follow-up written down later), never in the future nor before the meeting."""
    if status not in Resolution.Status.values:
        raise InvalidInput(
            f"สถานะ '{status}' ไม่ถูกต้อง ({', '.join(Resolution.Status.values)})",
            f"status '{status}' must be one of {', '.join(Resolution.Status.values)}",
        )
    if status not in MOVES[resolution.status]:
        raise InvalidInput(
            f"เปลี่ยนสถานะจาก {STATUS_TH[resolution.status]} เป็น {STATUS_TH[status]} ไม่ได้",
            f"status cannot move from {resolution.status} to {status}",
        )
    note = (note or "").strip()
    if status == "dropped" and not note:
        raise InvalidInput("การยกเลิกมติต้องระบุเหตุผล", "dropping a resolution needs a reason (--note)")
    if status == resolution.status and not note:
        raise InvalidInput("ต้องมีบันทึกความคืบหน้า", "a progress note is required")
    now = timezone.now()
    at = at or now
    if at > now:
        raise InvalidInput("เวลาติดตามมติอยู่ในอนาคต", f"the follow-up time {at.isoformat()} is in the future")
    if at < resolution.meeting.held_at:
        raise InvalidInput(
            "เวลาติดตามมติก่อนวันประชุม", f"the follow-up time {at.isoformat()} is before the meeting"
        )
    before = audit.snapshot(resolution)
    day = at.astimezone(BANGKOK).date().isoformat()
    line = f"{day} {status}" + (f": {note}" if note else "")
    resolution.follow_up = f"{resolution.follow_up}\n{line}".strip()
    resolution.status = status
    if status in (Resolution.Status.DONE, Resolution.Status.DROPPED):
        resolution.closed_at = at
    resolution.save()
    audit.record(actor, "committees.resolution.follow_up", resolution, before)
    return resolution
