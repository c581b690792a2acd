"""Review campaigns of access rights (issue 17 point 8; midPoint's certification campaigns, Entra's
access reviews): the rights in scope snapshotted at the start, one item per right, each decided keep or
revoke by its reviewer before the due date; then the no-answer policy, and the revokes removed in the
directory (or a task where Lakthan may not write).

Rules, written once here:
- A right in scope is an open membership of an enabled account (not gone) of a system of the unit or
  below (optionally one system, optionally only privileged groups: flagged ``Group.privileged`` or
  named in LAKTHAN_ACCESS_PRIVILEGED_GROUPS, case-insensitive).
- The reviewer is the head of the person's HR unit (the nearest unit up the tree that has one); for an
  account without a person, or when that head is the person themself, the system's owner; otherwise
  the campaign's fallback. Nobody reviews their own rights: a fallback who would is refused at start.
- Revoke needs a comment. A reduction of an account's groups is a revoke of some items (``reduced``,
  with its comment) and a keep of the reviewer's other pending items of that account.
- After the due date the pending items are escalated (review_notices.py) and may be decided by the
  fallback or the escalation reviewer for LAKTHAN_ACCESS_REVIEW_ESCALATION_DAYS; then the campaign is
  closed: each pending item is recorded as "no answer" with the policy's outcome (revoke by default for
  a privileged-only campaign, else keep and flag).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from lakthan.access.models import Employee, Group, Membership, ReviewCampaign, ReviewItem
from lakthan.core import access, audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit

BANGKOK = ZoneInfo("Asia/Bangkok")
KEEP, REVOKE = ReviewItem.Decision.KEEP, ReviewItem.Decision.REVOKE


def bangkok_day(moment: datetime) -> date:
    return timezone.localtime(moment, BANGKOK).date()


def get_campaign(campaign_id: int | str) -> ReviewCampaign:
    try:
        return ReviewCampaign.objects.select_related("unit", "system", "fallback").get(pk=int(campaign_id))
    except (ValueError, TypeError, ReviewCampaign.DoesNotExist):
        raise NotFound(
            f"ไม่พบการทบทวนสิทธิ์หมายเลข {campaign_id}", f"no review campaign with id {campaign_id}"
        ) from None


def privileged_filter(prefix: str = "group__") -> Q:
    q = Q(**{f"{prefix}privileged": True})
    for name in settings.LAKTHAN_ACCESS_PRIVILEGED_GROUPS:
        q |= Q(**{f"{prefix}name__iexact": name})
    return q


def flag_privileged(group: Group, privileged: bool = True, actor: str = audit.SYSTEM) -> Group:
    """Marks a group privileged (an administrators' group) or not: what --privileged campaigns cover."""
    before = audit.snapshot(group)
    group.privileged = privileged
    group.save(update_fields=["privileged"])
    audit.record(actor, "access.group.privileged", group, before=before)
    return group


def rights_in_scope(unit: Unit, system=None, privileged_only: bool = False) -> QuerySet[Membership]:
    """The open memberships of enabled accounts of the unit's systems (and below) as last synced."""
    qs = Membership.objects.filter(
        until__isnull=True,
        account__gone_at__isnull=True,
        account__disabled=False,
        group__gone_at__isnull=True,
        account__source__system__unit_id__in=unit.descendant_ids(),
    )
    if system is not None:
        qs = qs.filter(account__source__system=system)
    if privileged_only:
        qs = qs.filter(privileged_filter())
    return qs.select_related(
        "account__source__system__owner",
        "account__linked_employee__unit",
        "account__linked_employee__person",
        "group",
    )


def head_above(unit: Unit | None, skip: Person | None = None) -> Person | None:
    """The head of ``unit``, else of the nearest unit above it that has one (other than ``skip``)."""
    while unit is not None:
        if unit.head_id is not None and unit.head != skip:
            return unit.head
        unit = unit.parent
    return None


def _employees_by_id(ids: Iterable[str]) -> dict[str, Employee]:
    wanted = {i for i in ids if i}
    qs = Employee.objects.filter(employee_id__in=wanted).select_related("unit", "person")
    return {e.employee_id: e for e in qs}


def assign_reviewer(
    employee: Employee | None, system, fallback: Person, head_of: Callable[[Unit], Person | None] = head_above
) -> tuple[Person, str, Person | None]:
    """(reviewer, role, subject) for a right of ``employee``'s account on ``system``."""
    subject = employee.person if employee is not None else None
    if employee is not None:
        head = head_of(employee.unit)
        if head is not None and head != subject:
            return head, ReviewItem.ReviewerRole.HEAD, subject
    if system.owner_id is not None and system.owner != subject:
        return system.owner, ReviewItem.ReviewerRole.OWNER, subject
    return fallback, ReviewItem.ReviewerRole.FALLBACK, subject


def start(
    unit: Unit,
    due: date,
    *,
    system=None,
    privileged_only: bool = False,
    fallback: Person | None = None,
    name: str = "",
    no_answer: str | None = None,
    actor: str = audit.SYSTEM,
    at: datetime | None = None,
) -> ReviewCampaign:
    """Snapshots the rights in scope into a new open campaign (refused when there is none)."""
    at = at or timezone.now()
    if due <= bangkok_day(at):
        raise InvalidInput("วันครบกำหนดต้องอยู่หลังวันนี้", f"the due date {due} must be after today")
    fallback = fallback or unit.head
    if fallback is None:
        raise InvalidInput(
            f"หน่วยงาน {unit.code} ยังไม่มีหัวหน้า: ระบุผู้ทบทวนสำรอง (--fallback)",
            f"unit {unit.code} has no head: give a fallback reviewer (--fallback)",
        )
    if no_answer is None:
        no_answer = ReviewCampaign.NoAnswer.REVOKE if privileged_only else ReviewCampaign.NoAnswer.KEEP
    if no_answer not in ReviewCampaign.NoAnswer.values:
        raise InvalidInput(f"นโยบายเมื่อไม่ตอบ {no_answer} ไม่ถูกต้อง", f"unknown no-answer policy {no_answer}")
    rights = list(rights_in_scope(unit, system, privileged_only))
    if not rights:
        raise InvalidInput(
            "ไม่มีสิทธิ์ที่ต้องทบทวนในขอบเขตนี้", "no right (open membership of an enabled account) in this scope"
        )
    employees = _employees_by_id(m.account.employee_id for m in rights if not m.account.linked_employee_id)
    heads: dict[int, Person | None] = {}

    def head_of(unit: Unit) -> Person | None:  # once per unit, not once per right
        if unit.pk not in heads:
            heads[unit.pk] = head_above(unit)
        return heads[unit.pk]

    items = []
    for m in rights:
        account = m.account
        employee = None
        if not account.is_service:
            employee = account.linked_employee or employees.get(account.employee_id)
        reviewer, role, subject = assign_reviewer(employee, account.source.system, fallback, head_of)
        if subject is not None and reviewer == subject:
            raise InvalidInput(
                f"ผู้ทบทวนสำรองจะต้องทบทวนสิทธิ์ของตนเอง ({account.source.name}:{account.username}): ระบุผู้อื่น",
                f"the fallback reviewer would review their own rights ({account.source.name}:{account.username}): "
                "give another fallback",
            )
        items.append(
            ReviewItem(
                membership=m,
                account=account,
                group=m.group,
                employee=employee,
                subject=subject,
                account_name=f"{account.source.name}:{account.username}",
                group_name=m.group.name,
                system_code=account.source.system.code,
                person_name=employee.display_name if employee else "",
                reviewer=reviewer,
                reviewer_role=role,
            )
        )
    scope = " ".join(
        filter(None, [unit.code, system.code if system else "", "privileged" if privileged_only else ""])
    )
    with transaction.atomic():
        campaign = ReviewCampaign.objects.create(
            name=name.strip() or f"ทบทวนสิทธิ์ {scope} {due.isoformat()}",
            unit=unit,
            system=system,
            privileged_only=privileged_only,
            due=due,
            no_answer=no_answer,
            fallback=fallback,
            started_by=actor,
            started_at=at,
        )
        for item in items:
            item.campaign = campaign
        ReviewItem.objects.bulk_create(items)
        audit.record(actor, "access.campaign.start", campaign)
    return campaign


def escalation_reviewer(campaign: ReviewCampaign, reviewer: Person) -> Person:
    """Who a reviewer's pending items go to after the due date: the head of the unit above the
    reviewer's own unit, else the campaign's fallback."""
    above = head_above(reviewer.unit.parent if reviewer.unit_id else None, skip=reviewer)
    if above is None or above == reviewer:
        return campaign.fallback
    return above


def may_decide(campaign: ReviewCampaign, item: ReviewItem, person: Person, today: date) -> bool:
    if item.subject_id is not None and item.subject_id == person.pk:
        return False  # never one's own rights
    if item.reviewer_id == person.pk:
        return True
    if today > campaign.due:
        return person.pk == campaign.fallback_id or person == escalation_reviewer(campaign, item.reviewer)
    return False


def decide(
    campaign: ReviewCampaign,
    item_ids: Iterable[int],
    decision: str,
    *,
    by: Person,
    comment: str = "",
    reduced: bool = False,
    actor: str = audit.SYSTEM,
    at: datetime | None = None,
) -> int:
    """Keeps or revokes the given items, all or none. Returns how many were decided."""
    at = at or timezone.now()
    comment = comment.strip()
    if decision not in (KEEP, REVOKE):
        raise InvalidInput(f"คำตัดสิน {decision} ไม่ถูกต้อง (keep หรือ revoke)", f"unknown decision {decision}")
    if decision == REVOKE and not comment:
        raise InvalidInput("การเพิกถอนสิทธิ์ต้องระบุเหตุผล", "a revoke needs a comment")
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        raise InvalidInput("ไม่ได้เลือกรายการ", "no item chosen")
    with transaction.atomic():
        locked = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.is_open:
            raise InvalidInput(
                f"การทบทวน {locked.pk} ปิดแล้ว ตัดสินเพิ่มไม่ได้", f"campaign {locked.pk} is {locked.state}"
            )
        items = list(ReviewItem.objects.filter(campaign=locked, pk__in=ids).select_related("reviewer__unit"))
        missing = set(ids) - {i.pk for i in items}
        if missing:
            raise InvalidInput(
                f"ไม่มีรายการ {sorted(missing)} ในการทบทวนนี้", f"no item {sorted(missing)} in this campaign"
            )
        today = bangkok_day(at)
        refused = [i.pk for i in items if not may_decide(locked, i, by, today)]
        if refused:
            raise InvalidInput(
                f"{by.display_name} ไม่ใช่ผู้ทบทวนรายการ {refused}",
                f"{by.display_name} may not decide item(s) {refused}",
            )
        ReviewItem.objects.filter(pk__in=ids).update(
            decision=decision,
            outcome=decision,
            flagged=False,
            reduced=reduced and decision == REVOKE,
            comment=comment,
            decided_by=actor,
            decided_by_person=by,
            decided_at=at,
        )
        audit.record_event(
            actor,
            f"access.review.{decision}",
            "ReviewCampaign",
            locked.pk,
            {"items": ids, "by": by.pk, "comment": comment, "reduced": reduced},
        )
        finished = not locked.items.filter(decision="").exists()
    if finished:
        finish(locked, actor=actor, at=at)
    return len(items)


def keep_all_pending(campaign: ReviewCampaign, *, by: Person, actor: str = audit.SYSTEM, at=None) -> int:
    """Bulk keep: every pending item the person may decide."""
    today = bangkok_day(at or timezone.now())
    ids = [
        i.pk
        for i in campaign.items.filter(decision="").select_related("reviewer__unit")
        if may_decide(campaign, i, by, today)
    ]
    return decide(campaign, ids, KEEP, by=by, actor=actor, at=at) if ids else 0


def reduce(
    campaign: ReviewCampaign,
    revoke_ids: Iterable[int],
    *,
    by: Person,
    comment: str,
    actor: str = audit.SYSTEM,
    at: datetime | None = None,
) -> tuple[int, int]:
    """Revokes some groups of one account (``reduced``, with the comment) and keeps the reviewer's
    other pending items of that account. Returns (revoked, kept)."""
    revoke_ids = {int(i) for i in revoke_ids}
    accounts = set(campaign.items.filter(pk__in=revoke_ids).values_list("account_id", flat=True))
    if len(accounts) != 1:
        raise InvalidInput("การลดสิทธิ์ต้องเป็นกลุ่มของบัญชีเดียวกัน", "a reduction is of one account's groups")
    today = bangkok_day(at or timezone.now())
    others = [
        i.pk
        for i in campaign.items.filter(account_id__in=accounts, decision="")
        .exclude(pk__in=revoke_ids)
        .select_related("reviewer__unit")
        if may_decide(campaign, i, by, today)
    ]
    if not comment.strip():
        raise InvalidInput("การลดสิทธิ์ต้องระบุเหตุผล", "a reduction needs a comment")
    with transaction.atomic():
        revoked = decide(
            campaign, revoke_ids, REVOKE, by=by, comment=comment, reduced=True, actor=actor, at=at
        )
        kept = decide(campaign, others, KEEP, by=by, actor=actor, at=at) if others else 0
    return revoked, kept


def finish(
    campaign: ReviewCampaign, *, actor: str = audit.SYSTEM, at: datetime | None = None
) -> ReviewCampaign:
    """Completes the campaign (every item decided) or closes it (the no-answer policy recorded on each
    pending item), then removes the revoked rights."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.is_open:
            raise InvalidInput(
                f"การทบทวน {locked.pk} ปิดแล้ว", f"campaign {locked.pk} is already {locked.state}"
            )
        pending = locked.items.filter(decision="")
        unanswered = pending.count()
        pending.update(
            decision=ReviewItem.Decision.NO_ANSWER,
            outcome=locked.no_answer,
            flagged=locked.no_answer == ReviewCampaign.NoAnswer.KEEP,
            decided_by=actor,
            decided_at=at,
        )
        locked.state = ReviewCampaign.State.CLOSED if unanswered else ReviewCampaign.State.COMPLETED
        locked.finished_at = at
        locked.finished_by = actor
        locked.save(update_fields=["state", "finished_at", "finished_by"])
        audit.record(actor, f"access.campaign.{locked.state}", locked)
    from lakthan.access.services.revocations import remove_revoked

    remove_revoked(locked, actor=actor, at=at)
    return locked


def close(
    campaign: ReviewCampaign, *, actor: str = audit.SYSTEM, at: datetime | None = None
) -> ReviewCampaign:
    return finish(campaign, actor=actor, at=at)


def close_overdue(today: date, actor: str = audit.SYSTEM) -> list[ReviewCampaign]:
    """Closes the open campaigns whose due date plus the escalation days has passed."""
    last_day = today - timedelta(days=settings.LAKTHAN_ACCESS_REVIEW_ESCALATION_DAYS)
    return [finish(c, actor=actor) for c in ReviewCampaign.objects.filter(state="open", due__lt=last_day)]


def reviewer_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None and user.is_authenticated else None


def visible_campaigns(user) -> QuerySet[ReviewCampaign]:
    """The campaigns of the units the user may see, and those the user reviews in (or is the fallback
    of) wherever they are."""
    allowed = access.visible_unit_ids(user)
    qs = ReviewCampaign.objects.all()
    if allowed is None:
        return qs
    person = reviewer_of(user)
    mine = Q(items__reviewer=person) | Q(fallback=person) if person is not None else Q(pk__in=[])
    return qs.filter(Q(unit_id__in=allowed) | mine).distinct()
