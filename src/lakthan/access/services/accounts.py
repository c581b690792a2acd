"""What a person decides about an account: whose it is (an orphan linked to a person of the roster),
or that it is a service account and who owns it."""

from __future__ import annotations

from django.db import transaction

from lakthan.access.models import Account, Employee
from lakthan.core import audit
from lakthan.core.errors import NotFound


def get_account(source_name: str, username: str) -> Account:
    try:
        return Account.objects.select_related("source").get(source__name=source_name, username=username)
    except Account.DoesNotExist:
        raise NotFound(
            f"ไม่พบบัญชี {username} ในแหล่ง {source_name}", f"no account {username} in source {source_name}"
        ) from None


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
