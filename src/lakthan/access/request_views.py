"""The pages of access requests: the request form, the list (pending my approval, by state), a request
with its approvals, the approve/reject buttons for whom may decide, applying the grant (those who
manage the system's unit) and the printable form (PDF). Every change goes through
services/requests.py, which says who may do what."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from lakthan.access.engines.roster import LEAVER_STATUSES
from lakthan.access.forms import AccessRequestForm, DecisionForm
from lakthan.access.models import AccessApproval, AccessRequest, Employee
from lakthan.access.services import requests as svc
from lakthan.access.services.request_form import request_form_pdf
from lakthan.core import access, roles
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.models import Person
from lakthan.core.services import actor_name
from lakthan.inventory.models import System


def _person(user) -> Person | None:
    return Person.objects.filter(user=user).first()


def _visible(user, pk: int) -> AccessRequest:
    found = svc.visible_requests(user).filter(pk=pk).first()
    if found is None:
        raise Http404(pk)
    return svc.get_request(pk)


def _message(exc: LakthanError) -> str:
    return exc.message(get_language() or "th")


@login_required
def request_list(request):
    user, state = request.user, request.GET.get("state", "")
    mine = request.GET.get("mine") == "1"
    if mine:
        rows = svc.pending_for(_person(user))
    else:
        qs = svc.visible_requests(user)
        if state in AccessRequest.State.values:
            qs = qs.filter(state=state)
        rows = list(qs[:500])
    return render(
        request,
        "access/request_list.html",
        {
            "rows": rows,
            "state": state,
            "mine": mine,
            "states": AccessRequest.State.choices,
            "waiting": len(svc.pending_for(_person(user))),
            "current": "access",
        },
    )


def _form_choices(user):
    allowed = access.visible_unit_ids(user)
    employees = Employee.objects.exclude(status__in=LEAVER_STATUSES).select_related("unit")
    if allowed is not None:
        employees = employees.filter(unit_id__in=allowed)
    systems = list(System.objects.filter(active=True).order_by("code"))
    groups = []
    for system in systems:
        options = [(str(g.pk), f"{g.name} ({g.source.name})") for g in svc.system_groups(system)]
        if options:
            groups.append((f"{system.code} · {system.name_th}", options))
    return {
        "employees": [
            (e.employee_id, f"{e.employee_id} {e.display_name} · {e.unit.code}")
            for e in employees.order_by("unit__code", "first_name")
        ],
        "systems": [(s.code, f"{s.code} · {s.name_th}") for s in systems],
        "groups": groups,
    }


@login_required
def request_new(request):
    form = AccessRequestForm(request.POST or None, **_form_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            system = System.objects.get(code=data["system"])
            group = svc.system_groups(system).filter(pk=data["group"]).first() if data["group"] else None
            if data["group"] and group is None:
                raise InvalidInput(
                    f"กลุ่มที่เลือกไม่ใช่กลุ่มของระบบ {system.code}",
                    f"the group chosen is not a group of system {system.code}",
                )
            created = svc.create_request(
                employee=svc.find_employee(data["employee"]),
                system=system,
                group=group,
                role_name=data["role_name"],
                justification=data["justification"],
                until=data["until"],
                requested_by=request.user,
                actor=actor_name(request.user),
            )
        except LakthanError as exc:
            form.add_error(None, _message(exc))
        else:
            return redirect("access:request", pk=created.pk)
    return render(request, "access/request_form.html", {"form": form, "current": "access"})


def _may_apply(user, req: AccessRequest) -> bool:
    return req.state == AccessRequest.State.APPROVED and roles.can(user, roles.MANAGE, req.system.unit)


@login_required
def request_detail(request, pk: int, form: DecisionForm | None = None, error: str = ""):
    req = _visible(request.user, pk)
    person = _person(request.user)
    deciding = svc.roles_of(req, person)
    return render(
        request,
        "access/request_detail.html",
        {
            "req": req,
            "approvals": req.approvals.select_related("person"),
            "waiting": _waiting(req),
            "grant": getattr(req, "grant", None),
            "deciding": deciding,
            "form": form or DecisionForm(),
            "may_apply": _may_apply(request.user, req),
            "writable": svc.writable(req),
            "error": error,
            "current": "access",
        },
    )


def _waiting(req: AccessRequest) -> list[tuple[str, Person]]:
    """(role label, person) of the approvals still to come on a pending request."""
    if req.state != AccessRequest.State.PENDING:
        return []
    decided = set(req.approvals.values_list("role", flat=True))
    labels = dict(AccessApproval.Role.choices)
    return [(labels[r], who) for r, who in svc.approvers(req).items() if who is not None and r not in decided]


@login_required
@require_POST
def request_decide(request, pk: int):
    req = _visible(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return request_detail(request, pk, form=form)
    try:
        svc.decide(
            req,
            svc.deciding_person(request.user),
            form.cleaned_data["decision"],
            form.cleaned_data["comment"],
            actor=actor_name(request.user),
        )
    except LakthanError as exc:
        return request_detail(request, pk, form=form, error=_message(exc))
    return redirect("access:request", pk=pk)


@login_required
@require_POST
def request_apply(request, pk: int):
    req = _visible(request.user, pk)
    if not roles.can(request.user, roles.MANAGE, req.system.unit):
        raise PermissionDenied(roles.MANAGE)
    try:
        if svc.writable(req) and request.POST.get("how") != "manual":
            svc.apply_grant(req, actor=actor_name(request.user))
        else:
            svc.mark_applied(req, actor=actor_name(request.user))
    except LakthanError as exc:
        return request_detail(request, pk, error=_message(exc))
    return redirect("access:request", pk=pk)


@login_required
def request_pdf(request, pk: int):
    req = _visible(request.user, pk)
    response = HttpResponse(request_form_pdf(req), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="access-request-{req.pk}.pdf"'
    return response
