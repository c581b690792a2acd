"""The backup pages that change things: add and edit a system's backup (those who may manage its unit),
start a run, a verification or a restore test (those who may run checks there: DECIDE) and import a
repository (MANAGE) as background jobs whose progress and result the system's page shows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.backups.forms import BackupAddForm, BackupEditForm, ImportForm
from lakthan.backups.models import BackupSystem
from lakthan.backups.services import jobs as backup_jobs
from lakthan.backups.services.systems import add_system, update_system
from lakthan.backups.views import visible_system
from lakthan.core import access, roles
from lakthan.core.errors import LakthanError
from lakthan.inventory.models import System

# what each button starts, and the capability it needs in the system's unit
ACTIONS = {
    "run": (backup_jobs.RUN, roles.DECIDE),
    "verify": (backup_jobs.VERIFY, roles.DECIDE),
    "restore-test": (backup_jobs.RESTORE_TEST, roles.DECIDE),
}


def _error(form, exc: LakthanError) -> None:
    form.add_error(None, exc.message(get_language() or "th"))


def _form_page(request, form, heading: str, submit: str, code: str = "", **extra):
    return render(
        request,
        "backups/form.html",
        {"form": form, "heading": heading, "submit": submit, "code": code, **extra},
    )


def _after_start(name: str):
    return redirect(reverse("backups:system", args=[name]) + "#jobs")


@login_required
@require_POST
def start_action(request, name: str, action: str):
    system = visible_system(request.user, name)
    kind, capability = ACTIONS[action]
    access.require(request.user, capability, system.system.unit)
    backup_jobs.start(kind, system, request.user.get_username())
    return _after_start(system.name)


@login_required
def system_add(request):
    manage = roles.scope(request.user, roles.MANAGE)
    if manage is not None and not manage:
        raise PermissionDenied(roles.MANAGE)
    candidates = System.objects.filter(backup__isnull=True, active=True).select_related("unit")
    if manage is not None:
        candidates = candidates.filter(unit_id__in=manage)
    choices = [(s.code, f"{s.code} · {s.name_th}") for s in candidates.order_by("code")]
    form = BackupAddForm(request.POST or None, systems=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inventory = candidates.get(code=data["system"])
        access.require(request.user, roles.MANAGE, inventory.unit)
        source = data["source"]
        try:
            system = add_system(
                inventory.code,
                unit=inventory.unit,
                klass=inventory.klass,
                paths=data["paths"] if source == BackupSystem.Source.PATHS else [],
                sqlite=data["sqlite"] if source == BackupSystem.Source.SQLITE else "",
                postgres=data["postgres"] if source == BackupSystem.Source.POSTGRES else "",
                repo=data["repo"] or None,
                password_file=data["password_file"] or None,
                min_per_window=data["min_per_window"],
                window=data["window"],
                override_reason=data["override_reason"],
                in_service_from=data["in_service_from"],
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            _error(form, exc)
        else:
            return redirect("backups:system", system.name)
    return _form_page(
        request, form, _("Back up an inventory system"), _("Set up the backup"), none_left=not choices
    )


@login_required
def system_edit(request, name: str):
    system = visible_system(request.user, name)
    access.require(request.user, roles.MANAGE, system.system.unit)
    initial = {
        "paths": "\n".join(system.paths),
        "sqlite": system.sqlite_path,
        "min_per_window": system.min_per_window,
        "window": system.window,
        "override_reason": system.override_reason,
        "keep_daily": system.keep_daily,
        "keep_weekly": system.keep_weekly,
        "keep_monthly": system.keep_monthly,
        "active": system.active,
    }
    form = BackupEditForm(request.POST or None, initial=initial, source=system.source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_system(
                system,
                paths=data.get("paths"),
                sqlite=data.get("sqlite", ""),
                postgres=data.get("postgres", ""),
                min_per_window=data["min_per_window"],
                window=data["window"],
                override_reason=data["override_reason"],
                keep_daily=data["keep_daily"],
                keep_weekly=data["keep_weekly"],
                keep_monthly=data["keep_monthly"],
                active=data["active"],
                actor=request.user.get_username(),
            )
        except LakthanError as exc:
            _error(form, exc)
        else:
            return redirect("backups:system", system.name)
    return _form_page(request, form, _("Edit the backup of"), _("Save"), system.name)


@login_required
def system_import(request, name: str):
    system = visible_system(request.user, name)
    access.require(request.user, roles.MANAGE, system.system.unit)
    form = ImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        backup_jobs.start(backup_jobs.IMPORT, system, request.user.get_username(), params=form.cleaned_data)
        return _after_start(system.name)
    return _form_page(request, form, _("Import a repository into"), _("Start the import"), system.name)
