"""The access pages that change things: add and edit a source (MANAGE in its unit), sync it now
(DECIDE or MANAGE) and remediate a unit's leavers (DECIDE; a dry-run preview first) as background
jobs, import the HR roster (MANAGE over the whole agency; a refused file names every bad row), and on
an account's page link an orphan to a person of the roster or mark a service account and its owner
(MANAGE in the system's unit; the same audited services as `lakthan access link|unlink|service`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.access import account_views, views
from lakthan.access.forms import RemediateForm, RosterUploadForm, SourceAddForm, SourceEditForm
from lakthan.access.models import IdentitySource
from lakthan.access.services import accounts as accounts_svc
from lakthan.access.services import jobs as access_jobs
from lakthan.access.services.remediate import remediate
from lakthan.access.services.roster import RosterRefused, import_roster
from lakthan.access.services.sources import add_source, require_in_files_folder, update_source
from lakthan.core import access, params, roles
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.models import Unit
from lakthan.inventory.models import System


def _lang() -> str:
    return get_language() or "th"


def _form_page(request, form, heading: str, submit: str, code: str = "", **extra):
    return render(
        request,
        "access/form.html",
        {"form": form, "heading": heading, "submit": submit, "code": code, **extra},
    )


@login_required
def source_add(request):
    manage = roles.scope(request.user, roles.MANAGE)
    if manage is not None and not manage:
        raise PermissionDenied(roles.MANAGE)
    units = Unit.objects.all() if manage is None else Unit.objects.filter(pk__in=manage)
    systems = System.objects.filter(active=True).select_related("unit").order_by("code")
    if manage is not None:
        systems = systems.filter(unit_id__in=manage)
    form = SourceAddForm(
        request.POST or None,
        units=[(u.code, f"{u.code} · {u.name_th}") for u in units.order_by("code")],
        systems=[(s.code, f"{s.code} · {s.name_th}") for s in systems],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = units.get(code=data["unit"])
        access.require(request.user, roles.MANAGE, unit)
        ldap = data["kind"] == IdentitySource.Kind.LDAP
        try:
            require_in_files_folder(data["password_file"] if ldap else data["csv_path"])
            source = add_source(
                data["name"],
                unit=unit,
                system=data["system"] or None,
                ldap_url=data["ldap_url"] if ldap else "",
                bind_dn=data["bind_dn"] if ldap else "",
                password_file=data["password_file"] if ldap else "",
                base_dn=data["base_dn"] if ldap else "",
                employee_id_attribute=data["employee_id_attribute"],
                csv_path="" if ldap else data["csv_path"],
                may_write=data["may_write"] if ldap else False,
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("access:source", source.name)
    return _form_page(request, form, _("Add an identity source"), _("Add the source"))


@login_required
def source_edit(request, name: str):
    source = views.visible_source(request.user, name)
    access.require(request.user, roles.MANAGE, source.system.unit)
    initial = {
        "ldap_url": source.url,
        "bind_dn": source.bind_dn,
        "base_dn": source.base_dn,
        "employee_id_attribute": source.employee_id_attribute,
        "may_write": source.may_write,
        "csv_path": source.csv_path,
    }
    form = SourceEditForm(request.POST or None, initial=initial, kind=source.kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            require_in_files_folder(data.get("password_file", ""))
            require_in_files_folder(data.get("csv_path", ""))
            update_source(
                source,
                ldap_url=data.get("ldap_url", ""),
                bind_dn=data.get("bind_dn", ""),
                password_file=data.get("password_file", ""),
                base_dn=data.get("base_dn", ""),
                employee_id_attribute=data.get("employee_id_attribute", ""),
                csv_path=data.get("csv_path", ""),
                may_write=data.get("may_write", False),
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("access:source", source.name)
    return _form_page(
        request,
        form,
        _("Edit the identity source"),
        _("Save"),
        source.name,
        password_set=source.password_file,
    )


@login_required
@require_POST
def source_sync(request, name: str):
    source = views.visible_source(request.user, name)
    if not views.can_sync(request.user, source.system.unit):
        raise PermissionDenied(roles.DECIDE)
    access_jobs.start_sync(source, request.user.get_username())
    return redirect(reverse("access:source", args=[source.name]) + "#jobs")


@login_required
def remediate_preview(request):
    """GET: what a remediation of the unit's leavers as of the day would do (a dry run, nothing
    changed); POST: start it as a background job."""
    data = request.POST if request.method == "POST" else request.GET
    form = RemediateForm(
        data or None, initial={"as_of": timezone.localdate(), "unit": params.text(request, "unit", 60)}
    )
    if not form.is_valid():
        return render(request, "access/remediate.html", {"form": form, "steps": None}, status=400)
    unit = access.unit_for(request.user, form.cleaned_data["unit"], roles.DECIDE)
    as_of = form.cleaned_data["as_of"]
    if request.method == "POST":
        access_jobs.start_remediate(unit, as_of, request.user.get_username())
        query = f"?as_of={as_of.isoformat()}&unit={unit.code}"
        return redirect(reverse("access:findings") + query + "#jobs")
    steps = remediate(as_of, dry_run=True, unit=unit)
    return render(
        request, "access/remediate.html", {"form": form, "steps": steps, "unit": unit, "as_of": as_of}
    )


@login_required
@require_POST
def roster_upload(request):
    if not views.can_import_roster(request.user):
        raise PermissionDenied(roles.MANAGE)
    form = RosterUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = import_roster(upload.read(), upload.name, actor=request.user.get_username())
        except RosterRefused as exc:
            form.add_error(None, exc.message(_lang()))
            form.problems, form.refused_name = exc.problems, upload.name  # every bad row, listed
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect(reverse("access:roster") + f"#import-{record.pk}")
    return views.roster(request, form=form, status=400)


def _employee(request, field: str):
    employee_id = request.POST.get(field, "").strip()
    return accounts_svc.get_employee(employee_id) if employee_id else None


@login_required
@require_POST
def account_action(request, pk: int, action: str):
    account = account_views.visible_account(request.user, pk)
    access.require(request.user, roles.MANAGE, account.source.system.unit)
    actor = request.user.get_username()
    try:
        if action == "link":
            employee = _employee(request, "employee_id")
            if employee is None:
                raise InvalidInput("ระบุรหัสพนักงาน", "give an employee id")
            accounts_svc.link_to_person(account, employee, actor=actor)
            messages.success(request, _("Linked to %(id)s.") % {"id": employee.employee_id})
        elif action == "unlink":
            accounts_svc.link_to_person(account, None, actor=actor)
            messages.success(request, _("The link was removed."))
        elif action == "service":
            owner = _employee(request, "owner")
            accounts_svc.mark_service(account, owner, actor=actor)
            messages.success(request, _("Marked as a service account."))
        else:  # not-service (the URL allows no other)
            accounts_svc.unmark_service(account, actor=actor)
            messages.success(request, _("No longer a service account."))
    except LakthanError as exc:
        messages.error(request, exc.message(_lang()))
    return redirect("access:account", pk=account.pk)
