"""Continuity pages: the targets of every system (the critical ones without a target marked), a
target's form (MANAGE), a unit's scenarios and their form (MANAGE), and the plan of a unit for a
fiscal year — downloaded as it stands now, its approvals with their digests re-checked, and the
approval form (DECIDE)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.core import access, roles
from lakthan.core.errors import LakthanError
from lakthan.core.models import Person
from lakthan.indicators.engines.periods import fiscal_year_of
from lakthan.inventory.models import System
from lakthan.lib.durations import format_duration
from lakthan.risks.continuity_forms import ApproveForm, ScenarioForm, TargetForm, contacts_text
from lakthan.risks.engines.scenarios import DEFAULT_PATH, KIND_TH, KINDS
from lakthan.risks.models import Scenario
from lakthan.risks.services import continuity, plan


def _error(form, exc: LakthanError) -> None:
    form.add_error(None, exc.message(get_language() or "th"))


def _visible_system(user, code: str) -> System:
    allowed = access.visible_unit_ids(user)
    qs = System.objects.select_related("unit")
    system = (qs if allowed is None else qs.filter(unit_id__in=allowed)).filter(code=code).first()
    if system is None:
        raise Http404(code)
    return system


def _fmt(seconds: int | None) -> str:
    return format_duration(seconds) if seconds else ""


@login_required
def targets(request):
    allowed = access.visible_unit_ids(request.user)
    rows: list[dict] = [
        {
            "system": system,
            "target": target,
            "missing": target is None and system.criticality >= continuity.HIGH_CRITICALITY,
            "can_edit": roles.can(request.user, roles.MANAGE, system.unit),
        }
        for system, target in continuity.systems_with_targets(allowed)
    ]
    units = sorted(
        {system.unit for system, _ in continuity.systems_with_targets(allowed)}, key=lambda u: u.code
    )
    return render(
        request,
        "risks/continuity_targets.html",
        {
            "rows": rows,
            "missing": sum(1 for r in rows if r["missing"]),
            "units": units,
            "fy": fiscal_year_of(timezone.localdate()),
        },
    )


@login_required
def target_edit(request, code: str):
    system = _visible_system(request.user, code)
    access.require(request.user, roles.MANAGE, system.unit)
    target = continuity.target_of(system)
    others = System.objects.filter(active=True).exclude(pk=system.pk).order_by("code")
    choices = [(s.code, f"{s.code} · {s.name_th}") for s in others]
    initial = (
        {
            "rto": _fmt(target.rto_s),
            "rpo": _fmt(target.rpo_s),
            "mtd": _fmt(target.mtd_s),
            "depends_on": [s.code for s in target.depends_on.all()],
            "manual_procedure": target.manual_procedure,
        }
        if target
        else {}
    )
    form = TargetForm(request.POST or None, initial=initial, systems=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            continuity.set_target(
                system,
                rto_s=data["rto"],
                rpo_s=data["rpo"],
                mtd_s=data["mtd"],
                depends_on=data["depends_on"],
                manual_procedure=data["manual_procedure"],
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            _error(form, exc)
        else:
            return redirect("risks:continuity-targets")
    return render(
        request,
        "risks/continuity_form.html",
        {"form": form, "heading": _("Continuity target"), "code": system.code, "subject": system.name_th},
    )


@login_required
def scenarios(request, code: str):
    unit = access.unit_for(request.user, code)
    found = {s.kind: s for s in continuity.scenarios(unit)}
    rows = [{"kind": kind, "name": KIND_TH[kind], "scenario": found.get(kind)} for kind in KINDS]
    return render(
        request,
        "risks/continuity_scenarios.html",
        {
            "unit": unit,
            "rows": rows,
            "can_edit": roles.can(request.user, roles.MANAGE, unit),
            "fy": fiscal_year_of(timezone.localdate()),
        },
    )


@login_required
@require_POST
def scenarios_load_default(request, code: str):
    unit = access.unit_for(request.user, code, roles.MANAGE)
    continuity.load_scenarios(unit, DEFAULT_PATH.read_bytes(), actor=request.user.get_username())
    return redirect("risks:continuity-scenarios", unit.code)


@login_required
def scenario_edit(request, code: str, kind: str):
    unit = access.unit_for(request.user, code, roles.MANAGE)
    if kind not in KINDS:
        raise Http404(kind)
    scenario = Scenario.objects.filter(unit=unit, kind=kind).first()
    choices = [(s.code, f"{s.code} · {s.name_th}") for s in unit.systems.filter(active=True).order_by("code")]
    initial = (
        {
            "title": scenario.title,
            "steps": "\n".join(scenario.steps),
            "contacts": contacts_text(scenario.contacts),
            "alternate_site": scenario.alternate_site,
            "systems": [s.code for s in scenario.systems.all()],
        }
        if scenario
        else {}
    )
    form = ScenarioForm(request.POST or None, initial=initial, systems=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            continuity.set_scenario(
                unit,
                kind,
                steps=data["steps"],
                contacts=data["contacts"],
                alternate_site=data["alternate_site"],
                systems=data["systems"],
                title=data["title"],
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            _error(form, exc)
        else:
            return redirect("risks:continuity-scenarios", unit.code)
    return render(
        request,
        "risks/continuity_form.html",
        {"form": form, "heading": _("Crisis scenario"), "code": unit.code, "subject": KIND_TH[kind]},
    )


def _approvers(unit) -> list[tuple[str, str]]:
    units = [unit, *unit.ancestors()]
    people = Person.objects.filter(unit__in=units).order_by("last_name_th", "first_name_th")
    return [(str(p.pk), f"{p.display_name}{' · ' + p.position_th if p.position_th else ''}") for p in people]


def _fy(fy: int) -> int:
    try:
        return plan.check_fiscal_year(fy)
    except LakthanError:
        raise Http404("fy") from None


@login_required
def plan_page(request, code: str, fy: int):
    unit = access.unit_for(request.user, code)
    fy = _fy(fy)
    can_approve = roles.can(request.user, roles.DECIDE, unit)
    form = ApproveForm(request.POST or None, people=_approvers(unit))
    if request.method == "POST":
        access.require(request.user, roles.DECIDE, unit)
        if form.is_valid():
            try:
                plan.approve_plan(
                    unit,
                    fy,
                    approver=Person.objects.get(pk=int(form.cleaned_data["approver"])),
                    note=form.cleaned_data["note"],
                    actor=request.user.get_username(),
                )
            except LakthanError as exc:
                _error(form, exc)
            else:
                return redirect("risks:continuity-plan", unit.code, fy)
    rows = [{"approval": a, "problems": plan.verify_approval(a)} for a in plan.approvals(unit, fy)]
    return render(
        request,
        "risks/continuity_plan.html",
        {
            "unit": unit,
            "fy": fy,
            "rows": rows,
            "form": form if can_approve else None,
            "missing": continuity.missing_targets({unit.pk}),
            "scenario_count": len(continuity.scenarios(unit)),
            "lang_th": (get_language() or "th").startswith("th"),
        },
    )


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=plan.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def plan_download(request, code: str, fy: int, fmt: str):
    unit = access.unit_for(request.user, code)
    if fmt not in plan.FORMATS:
        raise Http404(fmt)
    return _download(plan.render_plan(unit, _fy(fy), fmt), fmt, f"continuity-plan-{unit.code}-{fy}")


@login_required
def approved_download(request, code: str, fy: int, version: int, fmt: str):
    unit = access.unit_for(request.user, code)
    if fmt not in plan.FORMATS:
        raise Http404(fmt)
    try:
        approval = plan.get_approval(unit, _fy(fy), version)
    except LakthanError:
        raise Http404("version") from None
    try:
        data = plan.approved_document(approval, fmt)
    except LakthanError as exc:  # an integrity failure is shown, never served
        return HttpResponse(exc.message(get_language() or "th"), status=409, content_type="text/plain")
    return _download(data, fmt, f"continuity-plan-{unit.code}-{fy}-v{version}")
