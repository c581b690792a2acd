"""Pages of the problem log (item 6): the log with its filters (overdue problems marked from their due
time), the quick report form, one problem with its history and the forms that change it, its printable
form, and the problem owners with their orders. Seeing follows the units a user may see; changing needs
the collector's capability (UPLOAD) in the problem's unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from lakthan.core import access, params, roles
from lakthan.core.dayfield import typed_instant
from lakthan.core.errors import LakthanError
from lakthan.core.models import Person, Unit
from lakthan.core.services import actor_name
from lakthan.evidence.models import Evidence
from lakthan.inventory.models import System
from lakthan.problems.models import Problem
from lakthan.problems.problem_forms import (
    AssignForm,
    CloseForm,
    NoteForm,
    OwnerForm,
    ProblemForm,
    ReasonForm,
)
from lakthan.problems.services import log, owners
from lakthan.problems.services.problem_form import problem_pdf

CHANGE = roles.UPLOAD  # the collector's capability in the problem's unit
PAGE_SIZE = 50
STATUSES = ["unresolved", *Problem.Status.values]


def _lang() -> str:
    return get_language() or "th"


def visible_problem(user, pk: int) -> Problem:
    problem = Problem.objects.select_related("unit", "system", "assignee").filter(pk=pk).first()
    if problem is None or not roles.can(user, roles.VIEW, problem.unit):
        raise Http404(pk)
    return problem


def _people(user):
    allowed = access.visible_unit_ids(user)
    people = Person.objects.select_related("unit").order_by("first_name_th", "last_name_th")
    people = people if allowed is None else people.filter(unit_id__in=allowed)
    return [(str(p.pk), p.display_name) for p in people]


def _systems(user) -> list[tuple[str, str]]:
    """Systems of the units the user may see, and those installed there (a checkpoint reports on
    the bureau's central systems)."""
    allowed = access.visible_unit_ids(user)
    systems = System.objects.filter(active=True)
    if allowed is not None:
        systems = systems.filter(Q(unit_id__in=allowed) | Q(installed_at__in=allowed)).distinct()
    return [
        (s.code, f"{s.name_th} ({s.code})" if s.name_th != s.code else s.code)
        for s in systems.order_by("name_th")
    ]


def _units(user, capability: str = CHANGE):
    allowed = roles.scope(user, capability)
    units = Unit.objects.all() if allowed is None else Unit.objects.filter(pk__in=allowed)
    return units.order_by("code")


@login_required
def index(request):
    allowed = access.visible_unit_ids(request.user)
    unit_code = params.text(request, "unit", 40)
    unit = access.unit_for(request.user, unit_code) if unit_code else None
    status = params.text(request, "status", 12)
    severity = params.integer(request, "severity", 1, 4)
    start, end = params.day(request, "from"), params.day(request, "to")
    if start and end and end < start:
        raise BadRequest("to is before from")
    overdue = request.GET.get("overdue") == "1"
    now = timezone.now()
    problems = log.list_problems(
        unit,
        status=status if status in STATUSES else None,
        severity=severity,
        start=start,
        end=end,
        overdue_at=now if overdue else None,
        within=allowed,
    )
    page = Paginator(problems, PAGE_SIZE).get_page(params.integer(request, "page", 1, 10**6) or 1)
    query = {
        k: v
        for k, v in {
            "unit": unit_code,
            "status": status,
            "severity": severity or "",
            "from": start.isoformat() if start else "",
            "to": end.isoformat() if end else "",
            "overdue": "1" if overdue else "",
        }.items()
        if v
    }
    change = roles.scope(request.user, CHANGE)
    return render(
        request,
        "problems/index.html",
        {
            "page": page,
            "rows": [{"p": p, "overdue": log.is_overdue(p, now)} for p in page.object_list],
            "units": access.visible_tree(request.user),
            "statuses": [("unresolved", None), *Problem.Status.choices],
            "severities": [(n, log.SEVERITY_TH[n], log.SEVERITY_EN[n]) for n in (1, 2, 3, 4)],
            "chosen": {**query, "severity": severity, "from": start, "to": end},
            "query": urlencode(query),
            "can_add": change is None or bool(change),
        },
    )


def _default_unit(user, units) -> str:
    person = Person.objects.filter(user=user).only("unit_id").first()
    if person is not None:
        own = next((u for u in units if u.pk == person.unit_id), None)
        if own is not None:
            return own.code
    return units[0].code


@login_required
def add(request):
    units = list(_units(request.user))
    if not units:
        raise PermissionDenied(CHANGE)
    form = ProblemForm(
        request.POST or None,
        initial={"unit": _default_unit(request.user, units), "reported_at": typed_instant(timezone.now())},
        units=[(u.code, f"{u.name_th} ({u.code})") for u in units],
        systems=_systems(request.user),
        people=_people(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = access.unit_for(request.user, data["unit"], CHANGE)
        try:
            problem = log.add_problem(
                unit,
                severity=data["severity"],
                title=data["title"],
                reported_at=data["reported_at"],
                system=System.objects.filter(code=data["system"]).first() if data["system"] else None,
                detail=data["detail"],
                reported_by=data["reported_by"],
                assignee=Person.objects.filter(pk=int(data["assignee"])).first()
                if data["assignee"]
                else None,
                actor=actor_name(request.user),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("problems:problem", pk=problem.pk)
    return render(request, "problems/add.html", {"form": form})


def _history(problem: Problem) -> list[dict]:
    out, previous = [], None
    for update in log.history(problem):
        out.append({"u": update, "event": log.event_of(update, previous)})
        previous = update
    return out


def _detail(request, problem: Problem, forms: dict | None = None, status: int = 200):
    now = timezone.now()
    may_change = roles.can(request.user, CHANGE, problem.unit)
    forms = forms or {}
    people = _people(request.user)
    if may_change:
        forms.setdefault(
            "assign", AssignForm(people=people, initial={"person": str(problem.assignee_id or "")})
        )
        forms.setdefault("start", NoteForm())
        forms.setdefault("close", CloseForm(initial={"fixed_at": typed_instant(now)}))
        forms.setdefault("cancel", ReasonForm())
        forms.setdefault("reopen", ReasonForm())
    return render(
        request,
        "problems/problem.html",
        {
            "p": problem,
            "row": log.as_dict(problem, now),
            "severity_th": log.SEVERITY_TH[problem.severity],
            "severity_en": log.SEVERITY_EN[problem.severity],
            "history": _history(problem),
            "owner": _order_owner(problem),
            "may_change": may_change,
            "done": problem.status in log.DONE_STATUSES,
            "forms": forms,
        },
        status=status,
    )


def _order_owner(problem: Problem):
    from lakthan.problems.services.problem_form import order_of

    return order_of(problem)


@login_required
def problem_detail(request, pk: int):
    return _detail(request, visible_problem(request.user, pk))


ACTIONS = ("assign", "start", "close", "cancel", "reopen")


@login_required
@require_POST
def problem_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404(action)
    problem = visible_problem(request.user, pk)
    access.require(request.user, CHANGE, problem.unit)
    actor = actor_name(request.user)
    form: AssignForm | NoteForm | CloseForm | ReasonForm
    if action == "assign":
        form = AssignForm(request.POST, people=_people(request.user))
    elif action == "start":
        form = NoteForm(request.POST)
    elif action == "close":
        form = CloseForm(request.POST)
    else:
        form = ReasonForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "assign":
                person = Person.objects.get(pk=int(data["person"]))
                log.assign(problem, person, actor=actor, note=data["note"])
            elif action == "start":
                log.start(problem, actor=actor, note=data["note"])
            elif action == "close":
                log.close_problem(
                    problem, fixed_at=data["fixed_at"], fix=data["fix"], result=data["result"], actor=actor
                )
            elif action == "cancel":
                log.cancel(problem, reason=data["reason"], actor=actor)
            else:
                log.reopen(problem, reason=data["reason"], actor=actor)
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("problems:problem", pk=problem.pk)
    problem.refresh_from_db()
    return _detail(request, problem, {action: form}, status=400)


@login_required
def problem_form_pdf(request, pk: int):
    problem = visible_problem(request.user, pk)
    response = HttpResponse(problem_pdf(problem), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="problem-{problem.pk}.pdf"'
    return response


# --- owners -----------------------------------------------------------------------------------------


def _owner_form(request, data=None, files=None):
    allowed = access.visible_unit_ids(request.user)
    orders = Evidence.objects.filter(kind=Evidence.Kind.ORDER).order_by("-doc_date", "-pk")
    if allowed is not None:
        orders = orders.filter(unit_id__in=allowed)
    return OwnerForm(
        data,
        files,
        systems=_systems(request.user),
        people=_people(request.user),
        units=[(u.code, f"{u.name_th} ({u.code})") for u in _units(request.user)],
        orders=[(str(e.pk), f"{e.doc_no or '—'} · {e.title[:80]}") for e in orders[:300]],
    )


def _owner_unit(system: System, unit: Unit | None) -> Unit:
    """Where adding (or removing) the owner is a change: the unit named, or the system's for an owner
    of every unit."""
    return unit if unit is not None else system.unit


@login_required
def owners_page(request):
    form = _owner_form(request, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            system = System.objects.filter(code=data["system"]).first()
            if system is None:
                raise Http404(data["system"])
            unit = access.unit_for(request.user, data["unit"], CHANGE) if data["unit"] else None
            access.require(request.user, CHANGE, _owner_unit(system, unit))
            person = Person.objects.get(pk=int(data["person"]))
            actor = actor_name(request.user)
            try:
                if data["order_file"]:
                    upload = data["order_file"]
                    owners.add_owner_with_order(
                        system,
                        person,
                        stream=upload,
                        filename=upload.name,
                        doc_no=data["order_no"],
                        doc_date=data["order_date"],
                        unit=unit,
                        since=data["since"],
                        until=data["until"],
                        actor=actor,
                    )
                else:
                    owners.add_owner(
                        system,
                        person,
                        unit=unit,
                        order=Evidence.objects.get(pk=int(data["order_evidence"])),
                        since=data["since"],
                        until=data["until"],
                        actor=actor,
                    )
            except LakthanError as exc:
                form.add_error(None, exc.message(_lang()))
            else:
                return redirect("problems:owners")
    rows = [
        {"o": o, "may_change": roles.can(request.user, CHANGE, _owner_unit(o.system, o.unit))}
        for o in owners.list_owners(access.visible_unit_ids(request.user))
    ]
    change = roles.scope(request.user, CHANGE)
    return render(
        request,
        "problems/owners.html",
        {
            "rows": rows,
            "form": form,
            "can_add": change is None or bool(change),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_POST
def owner_remove(request, pk: int):
    try:
        owner = owners.get_owner(pk)
    except LakthanError:
        raise Http404(pk) from None
    if not roles.can(request.user, roles.VIEW, _owner_unit(owner.system, owner.unit)):
        raise Http404(pk)
    access.require(request.user, CHANGE, _owner_unit(owner.system, owner.unit))
    owners.remove_owner(owner, actor=actor_name(request.user))
    return redirect("problems:owners")
