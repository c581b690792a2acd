"""Inventory pages: systems and hosts, listed within the caller's units; added and edited by those who
may manage the unit (lakthan.core.roles.MANAGE: administrators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lakthan.core import access, roles
from lakthan.core.errors import LakthanError
from lakthan.core.models import Unit
from lakthan.core.services import get_unit
from lakthan.inventory import services
from lakthan.inventory.forms import HostForm, SystemForm
from lakthan.inventory.models import Host, System


def _unit_filter(request):
    """The ?unit= filter: a unit the caller may see, or None."""
    code = request.GET.get("unit") or ""
    if code and not services.HOST_RE.match(code):  # nothing a database could choke on (NUL)
        raise Http404(code)
    return access.unit_for(request.user, code) if code else None


def _managed(user) -> set[int] | None:
    allowed = roles.scope(user, roles.MANAGE)
    if allowed is not None and not allowed:
        raise PermissionDenied(roles.MANAGE)
    return allowed


def _visible_system(user, code: str) -> System:
    system = services.list_systems(within=access.visible_unit_ids(user)).filter(code=code).first()
    if system is None:
        raise Http404(code)
    return system


def _visible_host(user, name: str) -> Host:
    host = services.list_hosts(within=access.visible_unit_ids(user)).filter(name=name).first()
    if host is None:
        raise Http404(name)
    return host


def _error(form, exc: LakthanError) -> None:
    form.add_error(None, exc.message(get_language() or "th"))


@login_required
def systems(request):
    unit = _unit_filter(request)
    rows = services.list_systems(unit, within=access.visible_unit_ids(request.user))
    manage = roles.scope(request.user, roles.MANAGE)
    return render(
        request,
        "inventory/systems.html",
        {
            "systems": rows,
            "unit": unit,
            "units": access.visible_tree(request.user),
            "can_add": manage is None or bool(manage),
        },
    )


@login_required
def system_detail(request, code: str):
    system = _visible_system(request.user, code)
    return render(
        request,
        "inventory/system.html",
        {
            "system": system,
            "hosts": services.list_hosts(system=system, within=access.visible_unit_ids(request.user)),
            "backup": getattr(system, "backup", None),
            "declared": set(system.installed_at.all()),
            "installations": sorted(services.installations(system), key=lambda u: u.code),
            "can_edit": roles.can(request.user, roles.MANAGE, system.unit),
        },
    )


@transaction.atomic
def _save_system(request, form, system: System | None):
    data = form.cleaned_data
    unit = get_unit(data["unit"])
    access.require(request.user, roles.MANAGE, unit)
    values = {
        "name_th": data["name_th"],
        "name_en": data["name_en"],
        "unit": unit,
        "owner": data["owner"],
        "klass": data["klass"],
        "criticality": data["criticality"],
        "description": data["description"],
    }
    actor = request.user.get_username()
    if system is None:
        saved = services.add_system(data["code"], actor=actor, **values)
    else:
        saved = services.update_system(system, active=data["active"], actor=actor, **values)
    # the units the user may not manage keep whatever was declared for them
    allowed = roles.scope(request.user, roles.MANAGE)
    kept = [u for u in saved.installed_at.all() if allowed is not None and u.pk not in allowed]
    chosen = list(Unit.objects.filter(code__in=data["installed_at"]))
    services.set_installed_at(saved, [*kept, *chosen], actor=actor)
    return saved


def _system_form(request, system: System | None):
    allowed = _managed(request.user)
    if system is not None:
        access.require(request.user, roles.MANAGE, system.unit)
    initial = (
        {
            "name_th": system.name_th,
            "name_en": system.name_en,
            "unit": system.unit.code,
            "owner": system.owner,
            "klass": system.klass,
            "criticality": system.criticality,
            "description": system.description,
            "active": system.active,
            "installed_at": [u.code for u in system.installed_at.all()],
        }
        if system
        else {}
    )
    form = SystemForm(request.POST or None, initial=initial, unit_ids=allowed, editing=system is not None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_system(request, form, system)
        except LakthanError as exc:
            _error(form, exc)
        else:
            return redirect("inventory:system", saved.code)
    heading = _("Edit system") if system else _("Add a system")
    return render(
        request, "inventory/form.html", {"form": form, "heading": heading, "code": system and system.code}
    )


@login_required
def system_add(request):
    return _system_form(request, None)


@login_required
def system_edit(request, code: str):
    return _system_form(request, _visible_system(request.user, code))


@login_required
def hosts(request):
    unit = _unit_filter(request)
    manage = roles.scope(request.user, roles.MANAGE)
    return render(
        request,
        "inventory/hosts.html",
        {
            "hosts": services.list_hosts(unit, within=access.visible_unit_ids(request.user)),
            "unit": unit,
            "units": access.visible_tree(request.user),
            "can_add": manage is None or bool(manage),
        },
    )


def _host_form(request, host: Host | None):
    allowed = _managed(request.user)
    if host is not None:
        access.require(request.user, roles.MANAGE, host.unit)
    visible = {s.code: s for s in services.list_systems(within=access.visible_unit_ids(request.user))}
    initial = (
        {
            "unit": host.unit.code,
            "addresses": "\n".join(host.addresses),
            "systems": [s.code for s in host.systems.all()],
            "role": host.role,
        }
        if host
        else {}
    )
    form = HostForm(
        request.POST or None,
        initial=initial,
        unit_ids=allowed,
        systems=list(visible.values()),
        editing=bool(host),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = get_unit(data["unit"])
            access.require(request.user, roles.MANAGE, unit)
            values = {
                "unit": unit,
                "addresses": data["addresses"],
                "systems": [visible[code] for code in data["systems"]],
                "role": data["role"],
            }
            actor = request.user.get_username()
            if host:
                services.update_host(host, actor=actor, **values)
            else:
                services.add_host(data["name"], actor=actor, **values)
        except LakthanError as exc:
            _error(form, exc)
        else:
            return redirect("inventory:hosts")
    heading = _("Edit host") if host else _("Add a host")
    return render(
        request, "inventory/form.html", {"form": form, "heading": heading, "code": host and host.name}
    )


@login_required
def host_add(request):
    return _host_form(request, None)


@login_required
def host_edit(request, name: str):
    return _host_form(request, _visible_host(request.user, name))
