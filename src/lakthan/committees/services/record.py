"""The committee's record of a round (item 7): what it shows as evidence and what is missing.

A round is ``start``–``end``, Bangkok days, both included. The committees judged are the active ones
of the unit and the units below it appointed by the round's end (or with no appointment day known).

Findings, one dict ``{"kind", "committee", "detail"}`` each:
 * ``no_committee`` — no such committee at all (``committee`` is None);
 * ``no_order`` — a committee without the order that appointed it;
 * ``no_chair_or_secretary`` — no chair or no secretary serving on the round's last day (today for a
   round not over yet);
 * ``not_met`` — fewer meetings held in the round than ``meetings_per_round``;
 * ``no_minutes`` — a meeting of the round without its minutes;
 * ``overdue_resolution`` — a resolution due within the round, its day passed, and not done (or
   dropped by the committee) by the end of the round. Done and dropped are final states, so the
   resolution's last change is when it was closed.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from lakthan.committees.models import Committee, Meeting, Resolution
from lakthan.committees.services.committees import ROLE_TH, in_force
from lakthan.core.models import Unit
from lakthan.lib.timezones import BANGKOK, end_of_day
from lakthan.lib.timezones import iso as _iso

KINDS = ("no_committee", "no_order", "no_chair_or_secretary", "not_met", "no_minutes", "overdue_resolution")
KIND_TH = {
    "no_committee": "ไม่มีคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศ",
    "no_order": "ไม่มีคำสั่งแต่งตั้งคณะกรรมการ",
    "no_chair_or_secretary": "ไม่มีประธานหรือเลขานุการ",
    "not_met": "ประชุมน้อยกว่าที่กำหนด",
    "no_minutes": "การประชุมที่ไม่มีรายงานการประชุม",
    "overdue_resolution": "มติที่เลยกำหนดแล้วยังไม่ดำเนินการ",
}


def _begin(start: date) -> datetime:
    return datetime.combine(start, time(0), BANGKOK)


def committees_in(unit: Unit, end: date) -> list[Committee]:
    qs = Committee.objects.filter(active=True, unit_id__in=unit.descendant_ids()).filter(
        Q(appointed_on__isnull=True) | Q(appointed_on__lte=end)
    )
    return list(qs.select_related("unit", "order").order_by("unit__code", "name"))


def meetings_in(unit: Unit, start: date, end: date) -> list[Meeting]:
    """Meetings of the unit's committees (and its sub-units') held in the round, oldest first."""
    qs = Meeting.objects.filter(
        committee__unit_id__in=unit.descendant_ids(),
        committee__active=True,
        held_at__gte=_begin(start),
        held_at__lt=end_of_day(end),
    )
    return list(qs.select_related("committee", "minutes").order_by("held_at", "pk"))


def _overdue(committee: Committee, start: date, end: date, cutoff: datetime) -> list[Resolution]:
    closed_in_time = Q(status__in=[Resolution.Status.DONE, Resolution.Status.DROPPED], closed_at__lt=cutoff)
    qs = (
        Resolution.objects.filter(meeting__committee=committee, due__gte=start, due__lte=end)
        .exclude(closed_in_time)
        .select_related("meeting", "owner")
        .order_by("due", "meeting__held_at", "number")
    )
    return [r for r in qs if r.due is not None and end_of_day(r.due) <= cutoff]  # its day is over


def _thai_day(day: date | None) -> str:
    if day is None:
        return "–"
    from lakthan.lib.thai import format_date

    return format_date(day, thai_digits=False)


def committee_findings(unit: Unit, start: date, end: date) -> list[dict]:
    now = timezone.now()
    cutoff = min(end_of_day(end), now)
    last_day = min(end, now.astimezone(BANGKOK).date())
    committees = committees_in(unit, end)
    if not committees:
        return [
            {
                "kind": "no_committee",
                "committee": None,
                "detail": f"{unit.name_th} ไม่มีคณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศในรอบนี้",
            }
        ]
    meetings = meetings_in(unit, start, end)
    held = {
        row["committee_id"]: row["n"]
        for row in Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .values("committee_id")
        .annotate(n=Count("pk"))
    }
    findings: list[dict] = []
    for c in committees:

        def add(kind: str, detail: str, c: Committee = c) -> None:
            findings.append({"kind": kind, "committee": c.name, "detail": detail})

        if c.order_id is None:
            add("no_order", f"{c.name} ไม่มีคำสั่งแต่งตั้งเป็นหลักฐาน")
        roles = set(c.members.filter(in_force(last_day)).values_list("role", flat=True))
        missing = [ROLE_TH[r] for r in ("chair", "secretary") if r not in roles]
        if missing:
            add("no_chair_or_secretary", f"{c.name} ไม่มี{'และ'.join(missing)} ณ วันที่ {_thai_day(last_day)}")
        n = held.get(c.pk, 0)
        if n < c.meetings_per_round:
            add("not_met", f"{c.name} ประชุม {n} ครั้งในรอบนี้ (กำหนดอย่างน้อย {c.meetings_per_round} ครั้ง)")
        for m in meetings:
            if m.committee_id == c.pk and m.minutes_id is None:
                add(
                    "no_minutes",
                    f"การประชุมครั้งที่ {m.number} ({_thai_day(m.held_at.astimezone(BANGKOK).date())}) ไม่มีรายงานการประชุม",
                )
        for r in _overdue(c, start, end, cutoff):
            add(
                "overdue_resolution",
                f"มติที่ {r.number} ของการประชุมครั้งที่ {r.meeting.number} กำหนดเสร็จ {_thai_day(r.due)} ยังไม่ดำเนินการแล้วเสร็จ",
            )
    return findings


def meeting_record_pdf(unit: Unit, start: date, end: date) -> bytes:
    """The committee's record in the round as an official Thai PDF (see record_report)."""
    from lakthan.committees.services.record_report import render

    return render(unit, start, end)


# --- the shapes the CLI's --json and the API share -------------------------------------------------


def _doc(evidence) -> dict | None:
    if evidence is None:
        return None
    return {
        "evidence": evidence.pk,
        "doc_no": evidence.doc_no,
        "doc_date": evidence.doc_date.isoformat() if evidence.doc_date else None,
    }


def member_data(m) -> dict:
    return {
        "id": m.pk,
        "person": m.person_id,
        "name": m.person.display_name,
        "role": m.role,
        "position": m.position,
        "since": m.since.isoformat() if m.since else None,
        "until": m.until.isoformat() if m.until else None,
    }


def resolution_data(r: Resolution) -> dict:
    return {
        "id": r.pk,
        "meeting": r.meeting.number,
        "number": r.number,
        "text": r.text,
        "owner": r.owner.display_name if r.owner else None,
        "due": r.due.isoformat() if r.due else None,
        "status": r.status,
        "follow_up": r.follow_up,
    }


def meeting_data(m: Meeting) -> dict:
    rows = list(m.attendance.all())
    return {
        "id": m.pk,
        "committee": m.committee.name,
        "number": m.number,
        "held_at": _iso(m.held_at),
        "place": m.place,
        "agenda": m.agenda,
        "minutes": _doc(m.minutes),
        "present": [a.member.person.display_name for a in rows if a.present],
        "absent": [{"name": a.member.person.display_name, "reason": a.note} for a in rows if not a.present],
        "resolutions": [resolution_data(r) for r in m.resolutions.all()],
    }


def committee_data(c: Committee, *, full: bool = False) -> dict:
    """A committee as `committee list --json` (and with ``full`` `committee show --json`) print it."""
    from lakthan.committees.services.committees import members_sorted

    last = c.meetings.order_by("-held_at").first()
    data = {
        "id": c.pk,
        "name": c.name,
        "unit": c.unit.code,
        "duties": c.duties,
        "order": _doc(c.order),
        "appointed_on": c.appointed_on.isoformat() if c.appointed_on else None,
        "meetings_per_round": c.meetings_per_round,
        "members": [member_data(m) for m in members_sorted(c)],
        "last_meeting": {"number": last.number, "held_at": _iso(last.held_at)} if last else None,
    }
    if full:
        meetings = (
            c.meetings.select_related("minutes", "committee")
            .prefetch_related("attendance__member__person", "resolutions__owner", "resolutions__meeting")
            .order_by("held_at", "pk")
        )
        data["meetings"] = [meeting_data(m) for m in meetings]
    return data
