"""The committee itself (item 7): its appointing order (evidence of kind ORDER), its members and their
roles for the days they serve. A member's days are ``since``–``until`` (both included, either open);
who may attend a meeting, and who is the chair or the secretary of a round, is read from them."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from django.db import transaction
from django.db.models import Q, QuerySet

from lakthan.committees.models import Committee, Member
from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.evidence.models import Evidence
from lakthan.lib.text import clean_line
from lakthan.lib.timezones import BANGKOK

ROLE_TH = {
    "chair": "ประธานกรรมการ",
    "vice_chair": "รองประธานกรรมการ",
    "member": "กรรมการ",
    "secretary": "กรรมการและเลขานุการ",
    "assistant_secretary": "กรรมการและผู้ช่วยเลขานุการ",
}
ROLE_ORDER = {role: i for i, role in enumerate(ROLE_TH)}  # how an order lists them


def today() -> date:
    from django.utils import timezone

    return timezone.now().astimezone(BANGKOK).date()


def check_evidence(evidence: Evidence | None, kind: str, what_th: str, what_en: str) -> None:
    if evidence is not None and evidence.kind != kind:
        raise InvalidInput(
            f"หลักฐานหมายเลข {evidence.pk} ไม่ใช่{what_th} (เป็นประเภท {evidence.kind})",
            f"evidence {evidence.pk} is not {what_en} (its kind is {evidence.kind})",
        )


def store_document(
    unit: Unit,
    stream: BinaryIO,
    filename: str,
    *,
    kind: str,
    title: str,
    doc_no: str = "",
    doc_date: date | None = None,
    actor: str = audit.SYSTEM,
) -> Evidence:
    """An order or minutes file kept as evidence of ``unit`` (kind ORDER or MINUTES)."""
    from lakthan.evidence import services as evidence

    if kind not in (Evidence.Kind.ORDER, Evidence.Kind.MINUTES):
        raise InvalidInput(f"ประเภทหลักฐาน {kind} ใช้ไม่ได้ที่นี่", f"evidence kind {kind} does not belong here")
    if doc_date is not None and doc_date > today():
        raise InvalidInput(
            f"วันที่ของเอกสาร {doc_date} อยู่ในอนาคต", f"the document's date {doc_date} is in the future"
        )
    meta = evidence.Metadata(title=title, kind=kind, doc_no=doc_no, doc_date=doc_date, issuing_unit=unit)
    return evidence.add_file(unit, stream, filename, meta, actor=actor)


@transaction.atomic
def add_committee(
    name: str,
    unit: Unit,
    *,
    duties: str = "",
    order: Evidence | None = None,
    appointed_on: date | None = None,
    meetings_per_round: int = 1,
    actor: str = audit.SYSTEM,
) -> Committee:
    """A committee of ``unit``; ``order`` (evidence of kind ORDER) is the order that appointed it and
    ``appointed_on`` defaults to the order's date. Fewer meetings than ``meetings_per_round`` in a round
    is a finding."""
    name = clean_line(name)
    if not name:
        raise InvalidInput("ต้องระบุชื่อคณะกรรมการ", "the committee needs a name")
    if Committee.objects.filter(name=name).exists():
        raise InvalidInput(f"มีคณะกรรมการชื่อ {name} อยู่แล้ว", f"a committee named {name} already exists")
    check_evidence(order, Evidence.Kind.ORDER, "คำสั่ง", "an order")
    if not isinstance(meetings_per_round, int) or meetings_per_round < 1 or meetings_per_round > 366:
        raise InvalidInput(
            f"จำนวนครั้งที่ต้องประชุมต่อรอบ ({meetings_per_round}) ต้องเป็น ๑ ขึ้นไป",
            f"meetings per round ({meetings_per_round}) must be 1 or more",
        )
    if appointed_on is None and order is not None:
        appointed_on = order.doc_date
    if appointed_on is not None and appointed_on > today():
        raise InvalidInput(
            f"วันที่แต่งตั้ง {appointed_on} อยู่ในอนาคต", f"appointed on {appointed_on} is in the future"
        )
    committee = Committee.objects.create(
        name=name,
        unit=unit,
        duties=(duties or "").strip(),
        order=order,
        appointed_on=appointed_on,
        meetings_per_round=meetings_per_round,
        created_by=actor,
    )
    audit.record(actor, "committees.committee.add", committee)
    return committee


@transaction.atomic
def set_order(committee: Committee, order: Evidence, *, actor: str = audit.SYSTEM) -> Committee:
    """A new (or the first) appointing order; the appointment day follows the order's date when unset."""
    check_evidence(order, Evidence.Kind.ORDER, "คำสั่ง", "an order")
    before = audit.snapshot(committee)
    committee.order = order
    if committee.appointed_on is None:
        committee.appointed_on = order.doc_date
    committee.save()
    audit.record(actor, "committees.committee.order", committee, before)
    return committee


def _check_role(role: str) -> None:
    if role not in Member.Role.values:
        raise InvalidInput(
            f"บทบาท '{role}' ไม่ถูกต้อง ({', '.join(Member.Role.values)})",
            f"role '{role}' must be one of {', '.join(Member.Role.values)}",
        )


@transaction.atomic
def add_member(
    committee: Committee,
    person: Person,
    role: str = "member",
    *,
    position: str = "",
    since: date | None = None,
    until: date | None = None,
    actor: str = audit.SYSTEM,
) -> Member:
    """``person`` serves on ``committee`` in ``role`` from ``since`` to ``until`` (both included; open
    when None). ``position`` is the position the order names (e.g. ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ)."""
    _check_role(role)
    if since and until and until < since:
        raise InvalidInput(f"วันสิ้นสุด {until} อยู่ก่อนวันเริ่ม {since}", f"until {until} is before since {since}")
    if Member.objects.filter(committee=committee, person=person, role=role).exists():
        raise InvalidInput(
            f"{person.display_name} เป็น{ROLE_TH[role]}ของ{committee.name}อยู่แล้ว",
            f"{person.display_name} is already {role} of {committee.name}",
        )
    member = Member.objects.create(
        committee=committee,
        person=person,
        role=role,
        position=clean_line(position),
        since=since or committee.appointed_on,
        until=until,
    )
    audit.record(actor, "committees.member.add", member)
    return member


@transaction.atomic
def end_member(member: Member, until: date, actor: str = audit.SYSTEM) -> Member:
    """The member's last day on the committee (kept with the history of meetings attended)."""
    if member.since and until < member.since:
        raise InvalidInput(
            f"วันสิ้นสุด {until} อยู่ก่อนวันเริ่ม {member.since}", f"until {until} is before since {member.since}"
        )
    before = audit.snapshot(member)
    member.until = until
    member.save(update_fields=["until"])
    audit.record(actor, "committees.member.end", member, before)
    return member


def in_force(day: date) -> Q:
    """Members serving on ``day``."""
    return (Q(since__isnull=True) | Q(since__lte=day)) & (Q(until__isnull=True) | Q(until__gte=day))


def members_on(committee: Committee, day: date) -> list[Member]:
    rows = Member.objects.filter(in_force(day), committee=committee).select_related("person")
    return sorted(rows, key=lambda m: (ROLE_ORDER[m.role], m.pk))


def members_sorted(committee: Committee) -> list[Member]:
    """Every member ever, as an order lists them: by role, then as added."""
    rows = Member.objects.filter(committee=committee).select_related("person")
    return sorted(rows, key=lambda m: (ROLE_ORDER[m.role], m.pk))


def committees_of(unit_ids: set[int] | None) -> QuerySet[Committee]:
    """Active committees of these units (None: every unit)."""
    qs = Committee.objects.filter(active=True).select_related("unit", "order")
    return qs if unit_ids is None else qs.filter(unit_id__in=unit_ids)


def get_committee(text: str | int) -> Committee:
    """A committee by its id (digits) or its name."""
    text = str(text).strip()
    found = Committee.objects.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or Committee.objects.filter(name=clean_line(text)).first()
    if found is None:
        raise NotFound(f"ไม่พบคณะกรรมการ {text}", f"no committee {text}")
    return found


def member_for(committee: Committee, person: Person, day: date) -> Member:
    """The person's membership in force on ``day`` (the first by role when they hold two)."""
    rows = [m for m in members_on(committee, day) if m.person_id == person.pk]
    if not rows:
        raise InvalidInput(
            f"{person.display_name} ไม่ได้เป็นกรรมการของ{committee.name}ในวันที่ {day}",
            f"{person.display_name} is not a member of {committee.name} on {day}",
        )
    return rows[0]
