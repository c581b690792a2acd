"""A risk's page (every revision: what changed, who, when) and the pages that change the register:
add and edit (MANAGE in the risk's unit), accept, and the XLSX upload and download."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lakthan.core import access, roles
from lakthan.core.errors import LakthanError
from lakthan.core.models import Person, Unit
from lakthan.core.services import actor_name
from lakthan.inventory.models import System
from lakthan.lib import thai as thai_dates
from lakthan.risks.forms import AcceptForm, RiskForm, UploadForm
from lakthan.risks.models import Risk
from lakthan.risks.services import register, register_io
from lakthan.risks.views import badge, visible_risk

MAX_UPLOAD = 10 * 1024 * 1024
# what a revision's keys are called on the page
FIELD_LABELS = {
    "unit": gettext_lazy("Unit"),
    "system": gettext_lazy("Information system"),
    "title": gettext_lazy("Risk"),
    "threat": gettext_lazy("Threat"),
    "vulnerability": gettext_lazy("Vulnerability"),
    "likelihood": gettext_lazy("Likelihood"),
    "impact": gettext_lazy("Impact"),
    "level": gettext_lazy("Level"),
    "residual_likelihood": gettext_lazy("Likelihood after controls"),
    "residual_impact": gettext_lazy("Impact after controls"),
    "residual_level": gettext_lazy("Level after controls"),
    "treatment": gettext_lazy("Treatment"),
    "treatment_plan": gettext_lazy("Treatment plan"),
    "treatment_status": gettext_lazy("Status"),
    "owner": gettext_lazy("Owner"),
    "due": gettext_lazy("Due"),
    "accepted_by": gettext_lazy("Accepted by"),
    "acceptance_expires": gettext_lazy("Acceptance holds until"),
    "acceptance_note": gettext_lazy("Note"),
    "closed": gettext_lazy("Closed"),
}


def _lang() -> str:
    return get_language() or "th"


def _managed_units(user):
    manage = roles.scope(user, roles.MANAGE)
    if manage is not None and not manage:
        raise PermissionDenied(roles.MANAGE)
    units = Unit.objects.all() if manage is None else Unit.objects.filter(pk__in=manage)
    return manage, units.order_by("code")


def _people(user):
    allowed = access.visible_unit_ids(user)
    people = Person.objects.select_related("unit")
    return people if allowed is None else people.filter(unit_id__in=allowed)


def _shown(key: str, value, people: dict, matrix) -> object:
    """A revision's value as the page shows it: names, the UI language's labels, B.E. dates."""
    if value in (None, ""):
        return value
    thai = _lang().startswith("th")
    if key in ("owner", "accepted_by"):
        return people.get(value, value)
    if key in ("level", "residual_level"):
        try:
            level = matrix.level_by_code(value)
        except ValueError:
            return value
        return level.label_th if thai else level.label_en
    if key == "treatment":
        return Risk.Treatment(value).label if value in Risk.Treatment.values else value
    if key == "treatment_status":
        return Risk.TreatmentStatus(value).label if value in Risk.TreatmentStatus.values else value
    if key in ("due", "acceptance_expires"):
        day = date.fromisoformat(value)
        return thai_dates.format_date(day, style="long") if thai else day.isoformat()
    if key == "closed":
        return _("yes") if value else _("no")
    return value


def _changes(revisions, matrix) -> list[dict]:
    """Each revision with the fields it changed (the first: everything it set)."""
    people = {p.pk: p.display_name for p in Person.objects.filter(pk__in=_person_ids(revisions))}
    out: list[dict] = []
    before: dict = {}
    for revision in revisions:
        changed = []
        for key, label in FIELD_LABELS.items():
            old, new = before.get(key), revision.data.get(key)
            if old != new and (before or new not in (None, "", False)):
                old, new = _shown(key, old, people, matrix), _shown(key, new, people, matrix)
                changed.append({"label": label, "old": old, "new": new})
        out.append({"revision": revision, "changed": changed})
        before = revision.data
    return out


def _person_ids(revisions) -> set[int]:
    return {r.data.get(k) for r in revisions for k in ("owner", "accepted_by") if r.data.get(k)}


@login_required
def risk_detail(request, ref: str):
    risk = visible_risk(request.user, ref)
    today = timezone.localdate()
    return render(
        request,
        "risks/risk.html",
        {
            "risk": risk,
            "level": badge(risk),
            "residual": badge(risk, residual=True),
            "matrix": register.matrix_of(risk.matrix),
            "acceptance": register.acceptance_state(risk, today),
            "overdue": register.is_overdue(risk, today),
            "warnings": [
                th if _lang().startswith("th") else en for th, en in register.residual_warnings(risk)
            ],
            "history": list(reversed(_changes(list(risk.revisions.all()), register.matrix_of(risk.matrix)))),
            "can_manage": roles.can(request.user, roles.MANAGE, risk.unit),
        },
    )


def _form(request, risk: Risk | None):
    _, units = _managed_units(request.user)
    row, matrix = (risk.matrix, register.matrix_of(risk.matrix)) if risk else register.active_matrix()
    systems = System.objects.filter(unit__in=units).order_by("code")
    initial = {}
    if risk is not None:
        initial = {
            "unit": risk.unit.code,
            "system": risk.system.code if risk.system is not None else "",
            "title": risk.title,
            "threat": risk.threat,
            "vulnerability": risk.vulnerability,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "residual_likelihood": risk.residual_likelihood,
            "residual_impact": risk.residual_impact,
            "treatment": risk.treatment,
            "treatment_plan": risk.treatment_plan,
            "owner": str(risk.owner_id or ""),
            "due": risk.due,
            "treatment_status": risk.treatment_status,
        }
    form = RiskForm(
        request.POST or None,
        initial=initial,
        units=units,
        systems=systems,
        people=_people(request.user).order_by("first_name_th"),
        matrix=matrix,
    )
    if request.method != "POST" or not form.is_valid():
        return form, None
    data = form.cleaned_data
    unit = units.get(code=data["unit"])
    access.require(request.user, roles.MANAGE, unit)
    fields = {
        "unit": unit,
        "system": systems.get(code=data["system"]) if data["system"] else None,
        "title": data["title"],
        "threat": data["threat"],
        "vulnerability": data["vulnerability"],
        "likelihood": data["likelihood"],
        "impact": data["impact"],
        "residual_likelihood": data["residual_likelihood"],
        "residual_impact": data["residual_impact"],
        "treatment": data["treatment"],
        "treatment_plan": data["treatment_plan"],
        "owner": _people(request.user).get(pk=int(data["owner"])) if data["owner"] else None,
        "due": data["due"],
    }
    actor = actor_name(request.user)
    try:
        if risk is None:
            saved = register.add_risk(
                **fields, treatment_status=data["treatment_status"], actor=actor, reason=data["reason"]
            )
        else:
            saved = register.update_risk(
                risk, actor=actor, reason=data["reason"], treatment_status=data["treatment_status"], **fields
            )
    except LakthanError as exc:
        form.add_error(None, exc.message(_lang()))
        return form, None
    return form, saved


def _form_page(request, form, heading: str, submit: str, risk: Risk | None = None):
    return render(
        request, "risks/form.html", {"form": form, "heading": heading, "submit": submit, "risk": risk}
    )


@login_required
def risk_add(request):
    form, saved = _form(request, None)
    if saved is not None:
        return redirect("risks:risk", saved.ref)
    return _form_page(request, form, _("Add a risk"), _("Add the risk"))


@login_required
def risk_edit(request, ref: str):
    risk = visible_risk(request.user, ref)
    access.require(request.user, roles.MANAGE, risk.unit)
    form, saved = _form(request, risk)
    if saved is not None:
        return redirect("risks:risk", saved.ref)
    return _form_page(request, form, _("Edit the risk"), _("Save"), risk)


@login_required
def risk_accept(request, ref: str):
    risk = visible_risk(request.user, ref)
    access.require(request.user, roles.MANAGE, risk.unit)
    people = _people(request.user).exclude(pk=risk.owner_id).order_by("first_name_th")
    form = AcceptForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            register.accept_risk(
                risk,
                approver=people.get(pk=int(data["approver"])),
                expires=data["expires"],
                note=data["note"],
                actor=actor_name(request.user),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("risks:risk", risk.ref)
    return _form_page(request, form, _("Accept the risk"), _("Record the acceptance"), risk)


@login_required
def register_upload(request):
    manage, _units = _managed_units(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    done = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 10 MB."))
        else:
            try:
                done = register_io.import_register(
                    upload.read(), upload.name, actor=actor_name(request.user), within=manage
                )
            except register_io.ImportRejected as exc:
                problems = exc.lines(_lang())
            except LakthanError as exc:
                form.add_error(None, exc.message(_lang()))
    return render(request, "risks/upload.html", {"form": form, "problems": problems, "done": done})


@login_required
def register_download(request):
    code = request.GET.get("unit", "").strip()
    unit = access.unit_for(request.user, code) if code else None
    if unit is None:
        tree = access.visible_tree(request.user)
        if not tree:
            raise PermissionDenied(roles.VIEW)
        unit = tree[0][1]  # the shallowest unit the user may see, with those below it
    data = register_io.export_register(unit)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="risks-{unit.code}.xlsx"'
    return response
