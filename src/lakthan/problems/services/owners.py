"""The problem owners of each system (item 6): the person responsible for solving its problems, at one
unit or everywhere, for a period, named in a work-assignment order kept as evidence.

Which owner is in force on a day (``owner_for``): among the owners of the system whose since/until
covers the day, one named for the unit itself comes first, then one named for a unit above it (the
nearest), then one named for every unit; among several at the same level the newest order wins (the
latest ``since``, then the row added last), so a new order supersedes the old one without the old one
having to be ended first. ``remove_owner`` deletes an entry made in error; the audit trail keeps it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import BinaryIO

from django.db import transaction
from django.db.models import Q, QuerySet

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.evidence import services as ev
from lakthan.evidence.models import Evidence
from lakthan.inventory.models import System
from lakthan.problems.models import ProblemOwner


def get_owner(pk: int) -> ProblemOwner:
    owner = ProblemOwner.objects.select_related("system", "unit", "person", "order").filter(pk=pk).first()
    if owner is None:
        raise NotFound(f"ไม่พบผู้รับผิดชอบหมายเลข {pk}", f"no problem owner with id {pk}")
    return owner


def list_owners(within: set[int] | None = None, system: System | None = None) -> QuerySet[ProblemOwner]:
    """Every owner (``within``: those of systems or units the caller may see; None for all)."""
    qs = ProblemOwner.objects.select_related("system", "unit", "person", "order")
    if system is not None:
        qs = qs.filter(system=system)
    if within is not None:
        qs = qs.filter(Q(unit_id__in=within) | Q(unit__isnull=True, system__unit_id__in=within))
    return qs.order_by("system__code", "unit__code", "since", "pk")


def as_dict(owner: ProblemOwner) -> dict:
    """An owner as `problem owner list --json` and the API give it."""
    order = owner.order
    return {
        "id": owner.pk,
        "system": owner.system.code,
        "unit": owner.unit.code if owner.unit is not None else None,
        "person": owner.person_id,
        "person_name": owner.person.display_name,
        "since": owner.since.isoformat() if owner.since else None,
        "until": owner.until.isoformat() if owner.until else None,
        "order": None
        if order is None
        else {
            "evidence": order.pk,
            "doc_no": order.doc_no,
            "doc_date": order.doc_date.isoformat() if order.doc_date else None,
        },
    }


def _check(order: Evidence | None, since: date | None, until: date | None) -> None:
    if since is not None and until is not None and until < since:
        raise InvalidInput(
            f"วันสิ้นสุด ({until.isoformat()}) อยู่ก่อนวันเริ่ม ({since.isoformat()})",
            f"until ({until.isoformat()}) is before since ({since.isoformat()})",
        )
    if order is not None and order.kind != Evidence.Kind.ORDER:
        raise InvalidInput(
            f"หลักฐานหมายเลข {order.pk} ไม่ใช่คำสั่ง (ประเภท {order.get_kind_display()})",
            f"evidence {order.pk} is not an order (kind {order.kind})",
        )


@transaction.atomic
def add_owner(
    system: System,
    person: Person,
    *,
    unit: Unit | None = None,
    order: Evidence | None = None,
    since: date | None = None,
    until: date | None = None,
    actor: str = audit.SYSTEM,
) -> ProblemOwner:
    """Name ``person`` responsible for the problems of ``system`` at ``unit`` (None: every unit) from
    ``since`` to ``until`` (both days included; None: open)."""
    _check(order, since, until)
    owner = ProblemOwner.objects.create(
        system=system,
        unit=unit,
        person=person,
        order=order,
        since=since,
        until=until,
        created_by=actor or audit.SYSTEM,
    )
    audit.record(actor, "problem.owner_add", owner)
    return owner


@transaction.atomic
def remove_owner(owner: ProblemOwner, actor: str = audit.SYSTEM) -> None:
    """The assignment ends yesterday (Bangkok): the owner answered for the problems before, and the
    lists and documents of those days still name them. An assignment that had not started yet is
    withdrawn whole."""
    from django.utils import timezone

    before = audit.snapshot(owner)
    yesterday = timezone.localdate() - timedelta(days=1)
    if owner.since is not None and owner.since > yesterday:
        pk = owner.pk
        owner.delete()
        owner.pk = pk  # the audit entry names the row that was
        audit.record(actor, "problem.owner_remove", owner, before=before, after=None)
        return
    if owner.until is None or owner.until > yesterday:
        owner.until = yesterday
        owner.save(update_fields=["until"])
    audit.record(actor, "problem.owner_remove", owner, before=before, after=audit.snapshot(owner))


def covering(on: date) -> Q:
    return (Q(since__isnull=True) | Q(since__lte=on)) & (Q(until__isnull=True) | Q(until__gte=on))


def owner_for(system: System, unit: Unit | None, on: date) -> ProblemOwner | None:
    """The owner in force on ``on`` for a problem of ``system`` reported by ``unit`` (see the module's
    docstring for the order of preference)."""
    found = list(
        ProblemOwner.objects.select_related("person", "order", "unit").filter(covering(on), system=system)
    )
    chain = [] if unit is None else [unit.pk, *(u.pk for u in unit.ancestors())]
    for unit_id in [*chain, None]:
        here = [o for o in found if o.unit_id == unit_id]
        if here:
            return _newest(here)
    return None


def _newest(owners: list[ProblemOwner]) -> ProblemOwner:
    """The latest since (an open since counts as the earliest), then the row added last."""
    return max(owners, key=lambda o: (o.since or date.min, o.pk))


def add_owner_with_order(
    system: System,
    person: Person,
    *,
    stream: BinaryIO,
    filename: str,
    doc_no: str,
    doc_date: date,
    unit: Unit | None = None,
    since: date | None = None,
    until: date | None = None,
    actor: str = audit.SYSTEM,
) -> ProblemOwner:
    """``add_owner`` with the order uploaded as a file: the evidence (kind ORDER, its number and date,
    kept in the owner's unit or the system's) and the owner are stored together or not at all."""
    doc_no = (doc_no or "").strip()
    if not doc_no:
        raise InvalidInput("ต้องระบุเลขที่คำสั่ง", "the order's number is required")
    if doc_date is None:
        raise InvalidInput("ต้องระบุวันที่ของคำสั่ง", "the order's date is required")
    _check(None, since, until)
    with ev.removing_orphans(), transaction.atomic():
        order = ev.add_file(
            unit or system.unit,
            stream,
            filename,
            ev.Metadata(
                title=f"คำสั่งมอบหมายผู้รับผิดชอบแก้ไขปัญหา{system.name_th}",
                kind=Evidence.Kind.ORDER,
                doc_no=doc_no,
                doc_date=doc_date,
            ),
            actor=actor,
        )
        return add_owner(system, person, unit=unit, order=order, since=since, until=until, actor=actor)
