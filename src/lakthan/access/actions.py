"""The account page's actions: link an orphan to a person of the roster (or undo it), mark a service
account and its owner (or undo it). Those who may manage the system's unit (MANAGE); each a POST
with its CSRF token, through the same audited services as `lakthan access link|unlink|service`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.access.services import accounts as svc
from lakthan.access.views import visible_account
from lakthan.core import access, roles
from lakthan.core.errors import InvalidInput, LakthanError


def _employee(request, field: str):
    employee_id = request.POST.get(field, "").strip()
    return svc.get_employee(employee_id) if employee_id else None


@login_required
@require_POST
def account_action(request, pk: int, action: str):
    account = visible_account(request.user, pk)
    access.require(request.user, roles.MANAGE, account.source.system.unit)
    actor = request.user.get_username()
    try:
        if action == "link":
            employee = _employee(request, "employee_id")
            if employee is None:
                raise InvalidInput("ระบุรหัสพนักงาน", "give an employee id")
            svc.link_to_person(account, employee, actor=actor)
            messages.success(request, _("Linked to %(id)s.") % {"id": employee.employee_id})
        elif action == "unlink":
            svc.link_to_person(account, None, actor=actor)
            messages.success(request, _("The link was removed."))
        elif action == "service":
            owner = _employee(request, "owner")
            svc.mark_service(account, owner, actor=actor)
            messages.success(request, _("Marked as a service account."))
        else:  # not-service (the URL allows no other)
            svc.unmark_service(account, actor=actor)
            messages.success(request, _("No longer a service account."))
    except LakthanError as exc:
        messages.error(request, exc.message(get_language() or "th"))
    return redirect("access:account", pk=account.pk)
