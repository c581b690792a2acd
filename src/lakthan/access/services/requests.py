"""Access requests and their approvals: every transition of a request, audited, in a transaction, an
illegal one refused with a one-line Thai/English error.

A request asks a right (a group of the system's source, or a role named in words) on a system of the
inventory for a person of the HR roster. Two approvals make it approved:

- the **unit head**: the head (core ``Unit.head``) of the person's unit, or, where that unit names
  none or its head may not decide (they are the person asked for, or filed the request), the nearest
  unit above whose head may;
- the **system owner** (inventory ``System.owner``).

When one person holds both roles, their one decision counts for both (two approval rows, same person
and time). Nobody approves a request for themselves or one they filed. One rejection (a comment is
required) rejects the request. An approved request becomes a grant; where the system's source may be
written (an LDAP source added with ``--write``) and the right is a group, the grant is applied in the
directory at once (``apply_grant``); otherwise it waits, "approved, to be applied by the
administrator", until ``mark_applied``. ``until`` is the last day (Bangkok) the right holds:
``expire_grants`` takes it back the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lakthan.access.engines import grants as ldap_grants
from lakthan.access.engines import group_members
from lakthan.access.engines.entries import SourceError
from lakthan.access.engines.roster import LEAVER_STATUSES
from lakthan.access.models import (
    AccessApproval,
    AccessGrant,
    AccessRequest,
    Account,
    AccountChange,
    Employee,
    Group,
    IdentitySource,
    Membership,
)
from lakthan.access.services import SourceFailed
from lakthan.access.services.sources import directory_config
from lakthan.access.services.sync import values_of
from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound
from lakthan.core.models import Person, Unit
from lakthan.inventory.models import System
from lakthan.lib.thai import format_date
from lakthan.lib.timezones import BANGKOK

UNIT_HEAD, OWNER = AccessApproval.Role.UNIT_HEAD, AccessApproval.Role.OWNER
APPROVE, REJECT = AccessApproval.Decision.APPROVE, AccessApproval.Decision.REJECT
State = AccessRequest.State


def today() -> date:
    return timezone.localdate(timezone.now(), timezone=BANGKOK)


def deciding_person(user) -> Person:
    """The person a signed-in user decides as (their Person.user link)."""
    person = Person.objects.filter(user=user).first() if user is not None and user.is_authenticated else None
    if person is None:
        raise InvalidInput(
            "บัญชีนี้ยังไม่ผูกกับบุคคลในหน่วยงาน จึงพิจารณาคำขอไม่ได้",
            "this account is not linked to a person of the unit, so it cannot decide requests",
        )
    return person


def get_request(pk: int | str) -> AccessRequest:
    try:
        return AccessRequest.objects.select_related(
            "employee__unit", "employee__person", "system__owner__user", "group__source", "requested_by"
        ).get(pk=int(pk))
    except (ValueError, TypeError, AccessRequest.DoesNotExist):
        raise NotFound(f"ไม่พบคำขอสิทธิ์หมายเลข {pk}", f"no access request #{pk}") from None


def find_employee(employee_id: str) -> Employee:
    try:
        return Employee.objects.select_related("unit", "person").get(employee_id=employee_id)
    except Employee.DoesNotExist:
        raise NotFound(
            f"ไม่พบรหัสประจำตัว {employee_id} ในทะเบียนบุคลากร", f"no employee {employee_id} in the HR roster"
        ) from None


def system_groups(system: System):
    """The current groups of the system's sources: the rights a request may ask."""
    return Group.objects.filter(source__system=system, gone_at__isnull=True).select_related("source")


def find_group(system: System, name: str) -> Group:
    found = [g for g in system_groups(system) if g.name == name]
    if len(found) != 1:
        raise InvalidInput(
            f"ระบบ {system.code} {'ไม่มี' if not found else 'มีหลาย'}กลุ่มชื่อ {name}",
            f"system {system.code} has {'no' if not found else 'more than one'} group named {name}",
        )
    return found[0]


# --- who decides -----------------------------------------------------------------------------------


def _requester_person_id(request: AccessRequest) -> int | None:
    if request.requested_by_id is None:
        return None
    return Person.objects.filter(user_id=request.requested_by_id).values_list("pk", flat=True).first()


def _barred(request: AccessRequest) -> set[int]:
    """People who may not decide this request: the person it asks for and the one who filed it."""
    return {pk for pk in (request.employee.person_id, _requester_person_id(request)) if pk is not None}


def unit_head_for(request: AccessRequest) -> Person | None:
    """The head of the person's unit, or of the nearest unit above whose head may decide."""
    barred = _barred(request)
    unit: Unit | None = request.employee.unit
    while unit is not None:
        if unit.head_id is not None and unit.head_id not in barred:
            return unit.head
        unit = unit.parent
    return None


def approvers(request: AccessRequest) -> dict[str, Person | None]:
    """Who decides for each role now (None: nobody may)."""
    owner = request.system.owner
    return {
        UNIT_HEAD: unit_head_for(request),
        OWNER: owner if owner and owner.pk not in _barred(request) else None,
    }


def roles_of(request: AccessRequest, person: Person | None) -> list[str]:
    """The roles ``person`` may still decide on this request (empty: none)."""
    if person is None or request.state != State.PENDING:
        return []
    decided = set(request.approvals.values_list("role", flat=True))
    return [
        role
        for role, who in approvers(request).items()
        if who is not None and who.pk == person.pk and role not in decided
    ]


def visible_requests(user):
    """The requests a signed-in user may read: those of the units they may see (the person's or the
    system's), those they filed, and those they are to decide as a unit head or system owner."""
    from lakthan.core import roles

    rows = AccessRequest.objects.select_related("employee__unit", "system", "group")
    allowed = roles.scope(user, roles.VIEW)
    if allowed is None:
        return rows
    return rows.filter(
        Q(employee__unit_id__in=allowed)
        | Q(system__unit_id__in=allowed)
        | Q(requested_by=user)
        | Q(system__owner__user=user)
        | Q(employee__unit__head__user=user)
        | Q(pk__in=[r.pk for r in pending_for(Person.objects.filter(user=user).first())])
    ).distinct()


def pending_for(person: Person | None) -> list[AccessRequest]:
    """The pending requests this person may still decide (as a unit head, possibly of a unit above,
    or as a system owner)."""
    if person is None:
        return []
    pending = AccessRequest.objects.filter(state=State.PENDING).select_related(
        "employee__unit__head", "employee__person", "system__owner", "group"
    )
    return [r for r in pending if roles_of(r, person)]


# --- transitions -----------------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _is_leaver(employee: Employee) -> bool:
    return employee.status in LEAVER_STATUSES


@transaction.atomic
def create_request(
    *,
    employee: Employee,
    system: System,
    justification: str,
    group: Group | None = None,
    role_name: str = "",
    until: date | None = None,
    requested_by=None,
    actor: str = audit.SYSTEM,
) -> AccessRequest:
    """A new request, pending the two approvals. ``requested_by`` is the signed-in user who filed it
    (None from the command line)."""
    justification, role_name = (justification or "").strip(), _clean(role_name)
    who = employee.display_name
    if _is_leaver(employee):
        raise InvalidInput(
            f"{who} มีสถานะ {employee.get_status_display()} ในทะเบียนบุคลากร จึงขอสิทธิ์ไม่ได้",
            f"{employee.employee_id} is {employee.status} in the HR roster and cannot be given rights",
        )
    if not system.active:
        raise InvalidInput(f"ระบบ {system.code} เลิกใช้งานแล้ว", f"system {system.code} is no longer active")
    if bool(group) == bool(role_name):
        raise InvalidInput(
            "ระบุสิทธิ์ที่ขอ: กลุ่มของระบบ หรือชื่อบทบาท อย่างใดอย่างหนึ่ง",
            "name the right asked for: a group of the system, or a role name, not both",
        )
    if group is not None and (group.source.system_id != system.pk or group.gone_at is not None):
        raise InvalidInput(
            f"กลุ่ม {group.name} ไม่ใช่กลุ่มที่ใช้อยู่ของระบบ {system.code}",
            f"group {group.name} is not a current group of system {system.code}",
        )
    if not justification:
        raise InvalidInput("ต้องระบุเหตุผลความจำเป็นในการขอสิทธิ์", "a justification is required")
    if until is not None and until < today():
        raise InvalidInput(
            f"วันสิ้นสุดสิทธิ์ ({format_date(until)}) ผ่านไปแล้ว",
            f"the end date ({until.isoformat()}) has passed",
        )
    open_states = [State.PENDING, State.APPROVED, State.APPLIED]
    same = AccessRequest.objects.filter(employee=employee, system=system, state__in=open_states)
    same = same.filter(group=group) if group is not None else same.filter(role_name=role_name)
    if (existing := same.first()) is not None:
        raise InvalidInput(
            f"มีคำขอสิทธิ์นี้ของ {who} อยู่แล้ว (หมายเลข {existing.pk})",
            f"{employee.employee_id} already has this request open (#{existing.pk})",
        )
    request = AccessRequest(
        employee=employee,
        system=system,
        group=group,
        role_name="" if group is not None else role_name,
        justification=justification,
        until=until,
        requested_by=requested_by if requested_by is not None and requested_by.is_authenticated else None,
        requested_by_name=actor,
        requested_at=timezone.now(),
    )
    missing = [role for role, who in approvers(request).items() if who is None]
    if OWNER in missing:
        raise InvalidInput(
            f"ระบบ {system.code} ไม่มีเจ้าของระบบที่อนุมัติคำขอนี้ได้ (ยังไม่ได้กำหนด หรือเป็นผู้ขอ/ผู้ได้รับสิทธิ์เอง)",
            f"system {system.code} has no owner who may approve this request (none named, or they filed it or are the person)",
        )
    if UNIT_HEAD in missing:
        raise InvalidInput(
            f"หน่วยงาน {employee.unit.code} และหน่วยงานเหนือขึ้นไปไม่มีหัวหน้าที่อนุมัติคำขอนี้ได้ (lakthan unit set-head)",
            f"unit {employee.unit.code} and the units above have no head who may approve this request (lakthan unit set-head)",
        )
    request.save()
    audit.record(actor, "access.request.create", request)
    return request


def decide(
    request: AccessRequest,
    person: Person,
    decision: str,
    comment: str = "",
    *,
    actor: str = audit.SYSTEM,
) -> AccessRequest:
    """``person`` approves or rejects, for every role they hold on the request. Once both roles
    approve, the grant is made and, where the source may be written, applied at once (a directory
    that refuses leaves it approved with the error shown; ``apply_grant`` tries again)."""
    request = _decide(request, person, decision, comment, actor)
    if request.state == State.APPROVED and writable(request):
        try:
            apply_grant(request, actor=actor)
        except SourceFailed:
            pass  # recorded on the grant; the request stays approved, to be applied
        request.refresh_from_db()
    return request


@transaction.atomic
def _decide(request: AccessRequest, person: Person, decision: str, comment: str, actor: str) -> AccessRequest:
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if decision not in (APPROVE, REJECT):
        raise InvalidInput(
            f"ผลการพิจารณา '{decision}' ไม่ถูกต้อง", f"decision '{decision}' is not approve or reject"
        )
    if request.state != State.PENDING:
        raise InvalidInput(
            f"คำขอหมายเลข {request.pk} {request.get_state_display()} แล้ว พิจารณาอีกไม่ได้",
            f"request #{request.pk} is {request.state}, not pending: it cannot be decided again",
        )
    if request.requested_by_id is not None and person.user_id == request.requested_by_id:
        raise InvalidInput(
            "ผู้ยื่นคำขออนุมัติคำขอของตนเองไม่ได้", "you filed this request: you cannot approve or reject it"
        )
    if request.employee.person_id == person.pk:
        raise InvalidInput("อนุมัติคำขอสิทธิ์ของตนเองไม่ได้", "you cannot decide a request for your own rights")
    roles = roles_of(request, person)
    if not roles:
        raise InvalidInput(
            f"{person.display_name} ไม่ใช่ผู้อนุมัติคำขอหมายเลข {request.pk} (หัวหน้าหน่วยงานของผู้ขอ หรือเจ้าของระบบ)",
            f"{person.display_name} is not an approver of request #{request.pk} (the person's unit head or the system owner)",
        )
    comment = (comment or "").strip()
    if decision == REJECT and not comment:
        raise InvalidInput("การไม่อนุมัติต้องระบุเหตุผล", "a rejection needs a comment")
    if decision == APPROVE and request.until is not None and request.until < today():
        raise InvalidInput(
            f"วันสิ้นสุดสิทธิ์ ({format_date(request.until)}) ผ่านไปแล้ว อนุมัติไม่ได้",
            f"the end date ({request.until.isoformat()}) has passed: it cannot be approved",
        )
    now = timezone.now()
    for role in roles:
        approval = AccessApproval.objects.create(
            request=request, role=role, decision=decision, comment=comment, person=person, actor=actor, at=now
        )
        audit.record(actor, f"access.request.{decision}", approval)
    before = audit.snapshot(request)
    decisions = dict(request.approvals.values_list("role", "decision"))
    if decision == REJECT:
        request.state, request.decided_at = State.REJECTED, now
    elif decisions.get(UNIT_HEAD) == APPROVE and decisions.get(OWNER) == APPROVE:
        request.state, request.decided_at = State.APPROVED, now
        grant = AccessGrant.objects.create(
            request=request,
            group=request.group,
            account=account_for(request),
            until=request.until,
            granted_at=now,
        )
        audit.record(actor, "access.grant.create", grant)
    if request.state != before["state"]:
        request.save(update_fields=["state", "decided_at"])
        audit.record(actor, f"access.request.{request.state}", request, before)
    return request


def account_for(request: AccessRequest) -> Account | None:
    """The person's current account in the source of the requested group (by employee id, or linked
    to them by hand)."""
    if request.group is None:
        return None
    employee = request.employee
    return (
        Account.objects.filter(source_id=request.group.source_id, gone_at__isnull=True)
        .filter(
            Q(linked_employee=employee) | Q(employee_id=employee.employee_id, linked_employee__isnull=True)
        )
        .order_by("pk")
        .first()
    )


def writable(request: AccessRequest) -> bool:
    """Lakthan applies the grant itself: a group of an LDAP source it may write."""
    if request.group is None:
        return False
    source = request.group.source
    return source.kind == IdentitySource.Kind.LDAP and source.may_write


def _grant(request: AccessRequest) -> AccessGrant:
    return (
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("account", "group__source")
        .get(request=request)
    )


def apply_grant(request: AccessRequest, *, actor: str = audit.SYSTEM) -> AccessGrant:
    """Adds the person's account to the group in the directory (and unlocks it if locked), reads it
    back and records when. SourceFailed (exit 1) when the directory refuses; the error stays on the
    grant and the request stays approved."""
    if request.state != State.APPROVED:
        raise InvalidInput(
            f"คำขอหมายเลข {request.pk} ยังไม่อยู่ในสถานะอนุมัติแล้วรอดำเนินการ ({request.get_state_display()})",
            f"request #{request.pk} is {request.state}, not approved and waiting to be applied",
        )
    if not writable(request):
        raise InvalidInput(
            f"Lakthan เขียนแหล่งบัญชีของคำขอหมายเลข {request.pk} ไม่ได้: ผู้ดูแลระบบดำเนินการแล้วบันทึกว่าดำเนินการแล้ว",
            f"Lakthan may not write the source of request #{request.pk}: the administrator applies it and marks it applied",
        )
    grant = AccessGrant.objects.select_related("group__source").get(request=request)
    group = request.group
    assert group is not None  # writable() says so
    account = account_for(request)
    if account is None or not account.dn:
        problem = f"{request.employee.employee_id} has no account in source {group.source.name}"
        _failed(grant, problem, actor)
        raise SourceFailed(f"ดำเนินการตามคำขอหมายเลข {request.pk} ไม่ได้: {problem}", problem)
    if _is_leaver(Employee.objects.get(pk=request.employee_id)):
        problem = f"{request.employee.employee_id} has left (HR roster): the grant is not applied"
        _failed(grant, problem, actor)
        raise SourceFailed(f"ดำเนินการตามคำขอหมายเลข {request.pk} ไม่ได้: {problem}", problem)
    try:
        result = ldap_grants.grant_membership(directory_config(group.source), group.dn, account.dn)
    except SourceError as exc:
        _failed(grant, str(exc), actor)
        raise SourceFailed(
            f"ดำเนินการตามคำขอหมายเลข {request.pk} ในไดเรกทอรีไม่สำเร็จ: {exc}", str(exc)
        ) from None
    return _applied(request, account, result, actor)


@transaction.atomic
def _failed(grant: AccessGrant, error: str, actor: str) -> None:
    AccessGrant.objects.filter(pk=grant.pk).update(apply_error=error[:2000])
    audit.record_event(actor, "access.grant.apply_failed", "access.accessgrant", grant.pk, {"error": error})


@transaction.atomic
def _applied(
    request: AccessRequest, account: Account, result: ldap_grants.Applied, actor: str
) -> AccessGrant:
    now = timezone.now()
    grant = _grant(request)
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if result.unlocked:
        for field, value in values_of(result.account).items():
            if field != "username" or value:
                setattr(locked, field, value)
        locked.disabled_seen_at = None
        locked.save()
        AccountChange.objects.create(
            account=locked,
            at=now,
            kind=AccountChange.Kind.CHANGED,
            before={"disabled": True},
            after={"disabled": False, "by": f"access request #{request.pk}"},
        )
    if (
        grant.group is not None
        and not Membership.objects.filter(account=locked, group=grant.group, until__isnull=True).exists()
    ):
        Membership.objects.create(account=locked, group=grant.group, since=now)
    before = audit.snapshot(grant)
    grant.account, grant.applied_at, grant.applied_how = locked, now, AccessGrant.Applied.DIRECTORY
    grant.applied_by, grant.unlocked, grant.apply_error = actor, result.unlocked, ""
    grant.save()
    audit.record(actor, "access.grant.apply", grant, before)
    _set_state(request, State.APPLIED, actor)
    return grant


def _set_state(request: AccessRequest, state: str, actor: str) -> None:
    fresh = AccessRequest.objects.select_for_update().get(pk=request.pk)
    before = audit.snapshot(fresh)
    fresh.state = state
    fresh.save(update_fields=["state"])
    request.state = state
    audit.record(actor, f"access.request.{state}", fresh, before)


@transaction.atomic
def mark_applied(request: AccessRequest, *, actor: str = audit.SYSTEM) -> AccessGrant:
    """The administrator applied the grant by hand (a source Lakthan may not write, or a named role)."""
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != State.APPROVED:
        raise InvalidInput(
            f"คำขอหมายเลข {request.pk} ไม่ได้รอดำเนินการ ({request.get_state_display()})",
            f"request #{request.pk} is {request.state}, not approved and waiting to be applied",
        )
    grant = _grant(request)
    before = audit.snapshot(grant)
    grant.applied_at, grant.applied_how, grant.applied_by = timezone.now(), AccessGrant.Applied.MANUAL, actor
    grant.account = grant.account or account_for(request)
    grant.apply_error = ""
    grant.save()
    audit.record(actor, "access.grant.mark_applied", grant, before)
    _set_state(request, State.APPLIED, actor)
    return grant


@dataclass(frozen=True)
class Expired:
    request_id: int
    person: str  # employee id
    right: str
    action: str  # removed | task | nothing | failed
    error: str = ""


def expire_grants(as_of: date | None = None, *, actor: str = audit.SYSTEM) -> list[Expired]:
    """Every grant whose last day (``until``) is before ``as_of`` (default today, Bangkok) taken back:
    removed from the group in the directory where Lakthan may write, else a task for the administrator
    with a deadline (LAKTHAN_ACCESS_LEAVER_DAYS); a grant never applied just expires. A directory that
    refuses leaves the grant as it was (``failed``), to be tried again by the next run."""
    day = as_of or today()
    due = AccessGrant.objects.filter(
        until__lt=day, expired_at__isnull=True, request__state__in=[State.APPROVED, State.APPLIED]
    ).select_related("request__employee", "request__group__source", "account", "group__source")
    return [_expire(grant, day, actor) for grant in due.order_by("until", "pk")]


def _expire(grant: AccessGrant, day: date, actor: str) -> Expired:
    request = grant.request
    step = Expired(request.pk, request.employee.employee_id, request.right_name, "")
    if request.state == State.APPROVED:
        return _expired(grant, AccessGrant.Expiry.NOTHING, day, actor, step)
    if not (writable(request) and grant.account is not None and grant.account.dn and grant.group is not None):
        return _expired(grant, AccessGrant.Expiry.TASK, day, actor, step)
    try:
        group_members.remove_member(directory_config(grant.group.source), grant.group.dn, grant.account.dn)
    except (SourceError, SourceFailed) as exc:
        message = exc.message_en if isinstance(exc, SourceFailed) else str(exc)
        AccessGrant.objects.filter(pk=grant.pk).update(expiry_error=message[:2000])
        audit.record_event(
            actor, "access.grant.expire_failed", "access.accessgrant", grant.pk, {"error": message}
        )
        return Expired(step.request_id, step.person, step.right, "failed", message)
    return _expired(grant, AccessGrant.Expiry.REMOVED, day, actor, step)


@transaction.atomic
def _expired(grant: AccessGrant, how: str, day: date, actor: str, step: Expired) -> Expired:
    now = timezone.now()
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    before = audit.snapshot(grant)
    grant.expired_at, grant.expiry, grant.expiry_error = now, how, ""
    if how == AccessGrant.Expiry.TASK:
        grant.expiry_deadline = day + timedelta(days=settings.LAKTHAN_ACCESS_LEAVER_DAYS)
    if how == AccessGrant.Expiry.REMOVED and grant.account_id and grant.group_id:
        Membership.objects.filter(
            account_id=grant.account_id, group_id=grant.group_id, until__isnull=True
        ).update(until=now)
    grant.save()
    audit.record(actor, "access.grant.expire", grant, before)
    _set_state(grant.request, State.EXPIRED, actor)
    return Expired(step.request_id, step.person, step.right, how)


# --- what the item-10 check asks -------------------------------------------------------------------


def approved_rights(as_of: date) -> set[tuple[int, int]]:
    """(account id, group id) of every open membership that an approved grant covers on ``as_of``: a
    grant approved by the end of that day (Bangkok), whose ``until`` is that day or later (or none),
    not expired, for the person's account (by employee id or linked by hand) in the group's source.
    A membership absent from the set has no approval behind it (the item-10 check's question)."""
    from datetime import datetime, time

    end = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=BANGKOK)
    grants = AccessGrant.objects.filter(
        Q(until__isnull=True) | Q(until__gte=as_of),
        group__isnull=False,
        granted_at__lt=end,
        expired_at__isnull=True,
        request__state__in=[State.APPROVED, State.APPLIED],
    ).values_list("group_id", "request__employee_id", "request__employee__employee_id")
    wanted: dict[int, set[tuple[int, str]]] = {}
    for group_id, employee_pk, employee_id in grants:
        wanted.setdefault(group_id, set()).add((employee_pk, employee_id))
    if not wanted:
        return set()
    found = set()
    rows = Membership.objects.filter(
        until__isnull=True, account__gone_at__isnull=True, group_id__in=wanted
    ).values_list("account_id", "group_id", "account__linked_employee_id", "account__employee_id")
    for account_id, group_id, linked, employee_id in rows:
        for employee_pk, roster_id in wanted[group_id]:
            if linked == employee_pk or (linked is None and employee_id == roster_id):
                found.add((account_id, group_id))
    return found
