"""Pages of the datasets: the list, one dataset (its settings with the DSN masked, owner and order,
readings newest first, its quality rules with their last results, a check-now button), the add form
(every kind of source), and the quality page (every rule with its last result and the add-rule
form). Adding and checking need the collector's capability (UPLOAD) in the dataset's unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.core import access, params, roles
from lakthan.core.errors import LakthanError
from lakthan.core.models import Person, Unit
from lakthan.core.services import actor_name
from lakthan.data.dataset_forms import DatasetForm, RuleForm
from lakthan.data.models import Dataset, Reading
from lakthan.data.services import datasets as svc
from lakthan.data.services import reading as rd
from lakthan.evidence import services as ev
from lakthan.inventory.models import System
from lakthan.lib.durations import format_duration_th

PAGE_SIZE = 50


def _lang() -> str:
    return get_language() or "th"


def visible_dataset(user, pk: int) -> Dataset:
    ds = svc.visible_datasets(access.visible_unit_ids(user), active_only=False).filter(pk=pk).first()
    if ds is None:
        raise Http404(pk)
    return ds


def _late_text(reading: Reading | None) -> Reading | None:
    if reading is not None:
        reading.late_text = format_duration_th(reading.late_by_s) if reading.late_by_s else ""  # type: ignore[attr-defined]
    return reading


def _state(reading: Reading | None) -> str:
    if reading is None:
        return "never"
    return "failed" if not reading.ok else ("late" if reading.late else "current")


@login_required
def datasets(request):
    rows = list(svc.visible_datasets(access.visible_unit_ids(request.user)))
    latest = rd.latest_readings(rows)
    changeable = roles.scope(request.user, svc.CHANGE)
    shown = [
        {
            "ds": d,
            "dsn": svc.masked_dsn(d),
            "reading": _late_text(latest.get(d.pk)),
            "every": format_duration_th(d.every_s),
            "state": _state(latest.get(d.pk)),
            "may_check": changeable is None or d.unit_id in changeable,
        }
        for d in rows
    ]
    return render(
        request,
        "data/datasets.html",
        {"rows": shown, "may_add": changeable is None or bool(changeable)},
    )


@login_required
def dataset_detail(request, pk: int):
    ds = visible_dataset(request.user, pk)
    page = Paginator(Reading.objects.filter(dataset=ds).order_by("-at", "-pk"), PAGE_SIZE).get_page(
        params.integer(request, "page", 1, 10**6) or 1
    )
    rules = list(svc.visible_rules(None, ds))
    results = rd.latest_results(rules)
    latest = _late_text(rd.latest_readings([ds]).get(ds.pk))
    for r in page.object_list:
        _late_text(r)
    return render(
        request,
        "data/dataset.html",
        {
            "ds": ds,
            "dsn": svc.masked_dsn(ds),
            "every": format_duration_th(ds.every_s),
            "page": page,
            "latest": latest,
            "state": _state(latest),
            "rules": [{"rule": r, "result": results.get(r.pk)} for r in rules],
            "may_check": ds.active and roles.can(request.user, svc.CHANGE, ds.unit),
        },
    )


@login_required
@require_POST
def dataset_check(request, pk: int):
    ds = visible_dataset(request.user, pk)
    access.require(request.user, svc.CHANGE, ds.unit)
    reading, results = rd.check_dataset(ds)
    if reading.ok and not reading.late and all(r.passed for r in results):
        messages.success(request, _("Read now: the dataset is current."))
    else:
        messages.warning(request, _("Read now: the dataset needs attention (see the newest reading)."))
    if request.POST.get("next") == "datasets":
        return redirect("data:datasets")
    return redirect("data:dataset", pk=ds.pk)


def _choices(user):
    allowed = roles.scope(user, svc.CHANGE)
    units = Unit.objects.all() if allowed is None else Unit.objects.filter(pk__in=allowed)
    systems = System.objects.filter(active=True)
    people = Person.objects.all()
    visible = access.visible_unit_ids(user)
    if allowed is not None:
        systems = systems.filter(unit_id__in=allowed)
    if visible is not None:
        people = people.filter(unit_id__in=visible)
    return (
        [(u.code, f"{u.code} · {u.name_th}") for u in units.order_by("code")],
        [(s.code, f"{s.code} · {s.name_th}") for s in systems.order_by("code")],
        [(str(p.pk), p.display_name) for p in people.order_by("first_name_th", "last_name_th")],
    )


@login_required
def dataset_add(request):
    units, systems, people = _choices(request.user)
    if not units:
        raise PermissionDenied(svc.CHANGE)
    form = DatasetForm(
        request.POST or None, request.FILES or None, units=units, systems=systems, people=people
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = access.unit_for(request.user, data["unit"], svc.CHANGE)
        system = System.objects.filter(code=data["system"]).first() if data["system"] else None
        visible = access.visible_unit_ids(request.user)
        owner = None
        if data["owner"]:
            owner = Person.objects.filter(pk=int(data["owner"])).first()
            if owner is None or (visible is not None and owner.unit_id not in visible):
                raise Http404(data["owner"])
        actor = actor_name(request.user)
        try:
            with ev.removing_orphans(), transaction.atomic():
                order = None
                if data["order_file"]:
                    order = ev.add_file(
                        unit,
                        data["order_file"],
                        data["order_file"].name,
                        ev.Metadata(
                            title=f"คำสั่งมอบหมายผู้รับผิดชอบข้อมูล {data['name']}",
                            kind="order",
                            doc_no=data["order_no"],
                            doc_date=data["order_date"],
                        ),
                        actor=actor,
                    )
                ds = svc.add_dataset(
                    data["name"],
                    unit,
                    every_s=data["every"],
                    source=data["source"],
                    dsn=data["dsn"],
                    query=data["query"],
                    path=data["path"],
                    pattern=data["pattern"],
                    tz=data["tz"],
                    timeout_s=data["timeout_s"],
                    system=system,
                    owner=owner,
                    owner_order=order,
                    actor=actor,
                )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("data:dataset", pk=ds.pk)
    return render(request, "data/dataset_form.html", {"form": form})


@login_required
def quality(request):
    visible = access.visible_unit_ids(request.user)
    rules = list(svc.visible_rules(visible))
    results = rd.latest_results(rules)
    changeable = roles.scope(request.user, svc.CHANGE)
    sql_sets = svc.visible_datasets(changeable).filter(source=Dataset.Source.SQL)
    choices = [(str(d.pk), f"{d.name} · {d.unit.code}") for d in sql_sets]
    form = RuleForm(request.POST or None, datasets=choices) if choices else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(svc.CHANGE)
        if form.is_valid():
            data = form.cleaned_data
            ds = visible_dataset(request.user, int(data["dataset"]))
            access.require(request.user, svc.CHANGE, ds.unit)
            try:
                svc.add_rule(
                    ds,
                    data["name"],
                    data["kind"],
                    table=data["table"],
                    column=data["column"],
                    min_value=data["min_value"],
                    max_value=data["max_value"],
                    query=data["query"],
                    actor=actor_name(request.user),
                )
            except LakthanError as exc:
                form.add_error(None, exc.message(_lang()))
            else:
                messages.success(request, _("Quality rule added."))
                return redirect("data:quality")
    return render(
        request,
        "data/quality.html",
        {"rows": [{"rule": r, "result": results.get(r.pk)} for r in rules], "form": form},
    )
