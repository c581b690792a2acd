"""What a person decides about an account: whose it is (an orphan linked to a person of the roster),
or that it is a service account and who owns it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q, QuerySet

from lakthan.access.models import Account, Employee
from lakthan.core import audit
from lakthan.core.errors import InvalidInput, NotFound


def get_account(source_name: str, username: str) -> Account:
    """The source's account of that user name; a live one before one that is gone (a name may have
    been given again after its first holder vanished)."""
    account = (
        Account.objects.select_related("source")
        .filter(source__name=source_name, username=username)
        .order_by(F("gone_at").desc(nulls_first=True), "-pk")
        .first()
    )
    if account is None:
        raise NotFound(
            f"ไม่พบบัญชี {username} ในแหล่ง {source_name}", f"no account {username} in source {source_name}"
        )
    return account


def parse_account_ref(ref: str) -> Account:
    """``SOURCE:USERNAME`` (the form findings name accounts in) as the account it names."""
    source_name, sep, username = ref.partition(":")
    if not (sep and source_name and username):
        raise InvalidInput(
            f"'{ref}' ต้องอยู่ในรูป แหล่ง:ชื่อผู้ใช้", f"'{ref}' must be SOURCE:USERNAME (as findings name it)"
        )
    return get_account(source_name, username)


def get_employee(employee_id: str) -> Employee:
    try:
        return Employee.objects.get(employee_id=employee_id)
    except Employee.DoesNotExist:
        raise NotFound(
            f"ไม่พบรหัสพนักงาน {employee_id} ในทะเบียนบุคลากร", f"no employee id {employee_id} in the HR roster"
        ) from None


@transaction.atomic
def link_to_person(account: Account, employee: Employee | None, actor: str = audit.SYSTEM) -> Account:
    """The account is this person's whatever its employee id attribute says (None: undo)."""
    before = audit.snapshot(account)
    account.linked_employee = employee
    account.is_service, account.owner = False, None
    account.save(update_fields=["linked_employee", "is_service", "owner"])
    audit.record(actor, "access.account.link", account, before)
    return account


@transaction.atomic
def mark_service(account: Account, owner: Employee | None, actor: str = audit.SYSTEM) -> Account:
    """A service account (no person logs in with it); ``owner`` answers for it (None: nobody yet)."""
    before = audit.snapshot(account)
    account.is_service, account.owner, account.linked_employee = True, owner, None
    account.save(update_fields=["linked_employee", "is_service", "owner"])
    audit.record(actor, "access.account.service", account, before)
    return account


@transaction.atomic
def unmark_service(account: Account, actor: str = audit.SYSTEM) -> Account:
    """Not a service account after all: judged again as a person's (by its employee id attribute)."""
    before = audit.snapshot(account)
    account.is_service, account.owner = False, None
    account.save(update_fields=["is_service", "owner"])
    audit.record(actor, "access.account.not_service", account, before)
    return account


def accounts_of(employee: Employee, within: set[int] | None = None) -> QuerySet[Account]:
    """Every account that is this person's, across systems: linked to them by hand, or carrying their
    employee id and neither linked to someone else nor a service account; and the service accounts
    they own. ``within``: only systems of these units (None: all)."""
    qs = Account.objects.filter(
        Q(linked_employee=employee)
        | Q(linked_employee__isnull=True, is_service=False, employee_id=employee.employee_id)
        | Q(is_service=True, owner=employee)
    )
    if within is not None:
        qs = qs.filter(source__system__unit_id__in=within)
    return qs.select_related("source__system__unit", "owner", "linked_employee")


def person_of(account: Account) -> Employee | None:
    """The roster's person an account is of (linked by hand, else by its employee id attribute)."""
    if account.is_service:
        return None
    if account.linked_employee_id:
        return account.linked_employee
    if account.employee_id:
        return Employee.objects.filter(employee_id=account.employee_id).first()
    return None
