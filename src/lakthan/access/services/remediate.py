"""Remediation of leavers: every enabled account of a leaver (a ``leaver_active`` finding) disabled in
its source when Lakthan may write there (and read back to prove it), otherwise a task with a deadline.
The days from the HR effective date to the disable are recorded: the evidence item 10 asks for.

Movers: a membership the old post allowed and the new one does not (an ``excess_right`` finding marked
``mover``, so past the grace period) is removed from the group in the directory the same way (or a task
is opened once), with the days from the move recorded. Other excess rights are left to the reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lakthan.access.engines import directory, group_members
from lakthan.access.engines.entries import SourceError
from lakthan.access.engines.findings import Finding
from lakthan.access.models import Account, AccountChange, Employee, IdentitySource, Membership, Remediation
from lakthan.access.services.findings import findings
from lakthan.access.services.sources import directory_config
from lakthan.access.services.sync import values_of
from lakthan.core import audit
from lakthan.core.models import Unit

BANGKOK = ZoneInfo("Asia/Bangkok")


@dataclass(frozen=True)
class Step:
    account: str
    system: str
    person: str
    action: str  # disable | remove | task | failed | open task kept
    days: int | None = None
    error: str = ""
    group: str = ""  # a mover's group; "" for a leaver's account


def _bangkok_day(at: datetime) -> date:
    return timezone.localdate(at, timezone=BANGKOK)


def _writable(account: Account) -> bool:
    return account.source.may_write and account.source.kind == IdentitySource.Kind.LDAP and bool(account.dn)


def remediate(
    as_of: date,
    dry_run: bool = False,
    actor: str = audit.SYSTEM,
    unit: Unit | None = None,
    now: datetime | None = None,
) -> list[Step]:
    """``unit``: only the systems of that unit and below (a page acts for one unit). ``now``: when the
    work is recorded as done (default now; the demo replays a past year with it)."""
    steps = []
    found = findings(as_of, unit)
    for finding in found:
        if finding.kind != "leaver_active":
            continue
        account = Account.objects.select_related("source").get(pk=finding.account_id)
        employee = Employee.objects.filter(employee_id=finding.person).first()
        since = date.fromisoformat(finding.detail["effective_date"])
        writable = _writable(account)
        if dry_run:
            steps.append(
                Step(finding.account, finding.system, finding.person, "disable" if writable else "task")
            )
        elif writable:
            steps.append(_disable(account, employee, since, as_of, actor, finding.system, now))
        else:
            steps.append(_task(account, employee, since, as_of, actor, finding.system, now))
    for finding in found:
        if finding.kind == "excess_right" and finding.detail.get("mover"):
            steps.append(_mover_step(finding, as_of, dry_run, actor, now))
    return steps


def _mover_step(finding: Finding, as_of: date, dry_run: bool, actor: str, at: datetime | None) -> Step:
    account = Account.objects.select_related("source").get(pk=finding.account_id)
    employee = Employee.objects.filter(employee_id=finding.person).first()
    group_name = finding.detail["group"]
    moved_on = date.fromisoformat(finding.detail["moved_on"])
    membership = (
        Membership.objects.filter(account=account, until__isnull=True, group__name=group_name)
        .select_related("group")
        .first()
    )
    writable = _writable(account) and membership is not None and bool(membership.group.dn)
    step = Step(
        finding.account, finding.system, finding.person, "remove" if writable else "task", group=group_name
    )
    if dry_run:
        return step
    if not writable:
        return _task(account, employee, moved_on, as_of, actor, finding.system, at, group=group_name)
    assert membership is not None
    return _remove(account, membership, employee, moved_on, as_of, actor, finding.system, at)


def _remove(
    account: Account,
    membership: Membership,
    employee: Employee | None,
    moved_on: date,
    as_of: date,
    actor: str,
    system: str,
    at: datetime | None = None,
) -> Step:
    name = f"{account.source.name}:{account.username}"
    person = employee.employee_id if employee else ""
    group = membership.group
    base = {
        "account": account,
        "employee": employee,
        "as_of": as_of,
        "actor": actor,
        "leaver_since": moved_on,
        "group": group.name,
    }
    try:
        group_members.remove_member(directory_config(account.source), group.dn, account.dn)
    except SourceError as exc:
        Remediation.objects.create(
            **base, at=at or timezone.now(), outcome=Remediation.Outcome.FAILED, error=str(exc)
        )
        return Step(name, system, person, "failed", error=str(exc), group=group.name)
    now = at or timezone.now()
    days = (_bangkok_day(now) - moved_on).days
    with transaction.atomic():
        # what the directory says now, as the next sync would record it
        Membership.objects.filter(pk=membership.pk, until__isnull=True).update(until=now)
        remediation = Remediation.objects.create(
            **base, at=now, outcome=Remediation.Outcome.REMOVED, days=days
        )
        audit.record(actor, "access.remediate.remove_member", remediation)
    return Step(name, system, person, "remove", days=days, group=group.name)


def _disable(
    account: Account,
    employee: Employee | None,
    since: date,
    as_of: date,
    actor: str,
    system: str,
    at: datetime | None = None,
) -> Step:
    name = f"{account.source.name}:{account.username}"
    try:
        after = directory.disable_account(directory_config(account.source), account.dn)
    except SourceError as exc:
        Remediation.objects.create(
            account=account,
            employee=employee,
            at=at or timezone.now(),
            as_of=as_of,
            actor=actor,
            outcome=Remediation.Outcome.FAILED,
            leaver_since=since,
            error=str(exc),
        )
        return Step(name, system, employee.employee_id if employee else "", "failed", error=str(exc))
    now = at or timezone.now()
    days = (_bangkok_day(now) - since).days
    with transaction.atomic():
        # what the directory says now, as a sync of this one entry would record it
        locked = Account.objects.select_for_update().get(pk=account.pk)
        before = locked.disabled
        for field, value in values_of(after).items():
            if field != "username" or value:
                setattr(locked, field, value)
        locked.disabled_seen_at = locked.disabled_seen_at or now
        locked.save()
        AccountChange.objects.create(
            account=locked,
            at=now,
            kind=AccountChange.Kind.CHANGED,
            before={"disabled": before},
            after={"disabled": True, "by": "remediate"},
        )
        remediation = Remediation.objects.create(
            account=locked,
            employee=employee,
            at=now,
            as_of=as_of,
            actor=actor,
            outcome=Remediation.Outcome.DISABLED,
            leaver_since=since,
            days=days,
        )
        audit.record(actor, "access.remediate.disable", remediation)
    return Step(name, system, employee.employee_id if employee else "", "disable", days=days)


@transaction.atomic
def _task(
    account: Account,
    employee: Employee | None,
    since: date,
    as_of: date,
    actor: str,
    system: str,
    at: datetime | None = None,
    group: str = "",
) -> Step:
    """A task for the source's administrators, once per account (a mover's: per account and group)
    while the finding stays."""
    name = f"{account.source.name}:{account.username}"
    person = employee.employee_id if employee else ""
    if Remediation.objects.filter(
        account=account, outcome=Remediation.Outcome.TASK, leaver_since=since, group=group
    ).exists():
        return Step(name, system, person, "open task kept", group=group)
    remediation = Remediation.objects.create(
        account=account,
        employee=employee,
        at=at or timezone.now(),
        as_of=as_of,
        actor=actor,
        outcome=Remediation.Outcome.TASK,
        leaver_since=since,
        deadline=as_of + timedelta(days=settings.LAKTHAN_ACCESS_LEAVER_DAYS),
        group=group,
    )
    audit.record(actor, "access.remediate.task", remediation)
    return Step(name, system, person, "task", group=group)
