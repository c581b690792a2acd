"""The register's pages: the list with its filters, add / edit / remove, the CSV upload (every bad row
listed, nothing applied) and download; the readings of what the network did with the upload of a
leases file or an ARP table; and the changes to the register (who, when, what)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lakthan.core import access, params, roles
from lakthan.core.dayfield import set_choices
from lakthan.core.errors import LakthanError
from lakthan.core.models import Person, Unit
from lakthan.core.services import actor_name
from lakthan.inventory.models import System
from lakthan.lib.timezones import BANGKOK, parse_instant
from lakthan.network.models import Address, ObservationImport
from lakthan.network.services import observe, register, register_io
from lakthan.network.views import CHANGE, may_change_somewhere, units_of

MAX_UPLOAD = 10 * 1024 * 1024
MAX_READING = 100 * 1024 * 1024
PAGE_SIZE = 100
FIELD_LABELS = {
    "address": gettext_lazy("Address"),
    "hostname": gettext_lazy("Host name"),
    "mac": gettext_lazy("MAC address"),
    "unit": gettext_lazy("Unit"),
    "owner": gettext_lazy("Owner"),
    "system": gettext_lazy("Information system"),
    "note": gettext_lazy("Note"),
}


def _lang() -> str:
    return get_language() or "th"


class AddressForm(forms.Form):
    address = forms.CharField(label=gettext_lazy("Address"), max_length=64)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    hostname = forms.CharField(label=gettext_lazy("Host name"), max_length=255, required=False)
    mac = forms.CharField(
        label=gettext_lazy("MAC address"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Any notation: AA:BB:CC:DD:EE:FF, aa-bb-…, aabb.ccdd.eeff"),
    )
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), required=False)
    system = forms.ChoiceField(label=gettext_lazy("Information system"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)

    def __init__(self, *args, units, people, systems, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["unit"], [(u.code, f"{u.code} · {u.name_th}") for u in units])
        set_choices(self.fields["owner"], [("", "—"), *((str(p.pk), p.display_name) for p in people)])
        set_choices(
            self.fields["system"], [("", "—"), *((s.code, f"{s.code} · {s.name_th}") for s in systems)]
        )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Register (CSV)"))


class ReadingForm(forms.Form):
    KINDS = [
        (ObservationImport.Kind.DHCPD, gettext_lazy("ISC dhcpd leases")),
        (ObservationImport.Kind.KEA, gettext_lazy("Kea lease file")),
        (ObservationImport.Kind.ARP, gettext_lazy("ARP / neighbour table")),
    ]
    kind = forms.ChoiceField(label=gettext_lazy("What the file is"), choices=KINDS)
    file = forms.FileField(label=gettext_lazy("File"))
    at = forms.CharField(
        label=gettext_lazy("When the ARP table was taken (blank: now)"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("YYYY-MM-DD HH:MM, Thai time"),
    )


def _changeable_units(user) -> list[Unit]:
    scope = roles.scope(user, CHANGE)
    if scope is not None and not scope:
        raise PermissionDenied(CHANGE)
    units = Unit.objects.all() if scope is None else Unit.objects.filter(pk__in=scope)
    return list(units.order_by("code"))


def _people(user):
    allowed = access.visible_unit_ids(user)
    people = Person.objects.select_related("unit").order_by("first_name_th")
    return people if allowed is None else people.filter(unit_id__in=allowed)


def _systems(user):
    allowed = access.visible_unit_ids(user)
    systems = System.objects.order_by("code")
    return systems if allowed is None else systems.filter(unit_id__in=allowed)


def _visible_registration(user, pk: int) -> Address:
    reg = Address.objects.select_related("unit", "owner", "system").filter(pk=pk).first()
    if reg is None or not roles.can(user, roles.VIEW, reg.unit):
        raise Http404(str(pk))
    return reg


# --- the register ---------------------------------------------------------------------------------


@login_required
def addresses(request):
    allowed = access.visible_unit_ids(request.user)
    unit_code = params.text(request, "unit", 40)
    query = params.text(request, "q", 100)
    cidr = params.text(request, "prefix", 64)
    unit = access.unit_for(request.user, unit_code) if unit_code else None
    prefix = None
    if cidr:
        try:
            prefix = register.get_prefix(cidr)
        except LakthanError:
            prefix = None
    found = register.list_addresses(unit=unit, within=allowed, search=query, prefix=prefix)
    if cidr and prefix is None:
        found = found.none()
    page = Paginator(found, PAGE_SIZE).get_page(params.integer(request, "page", 1, 10**6) or 1)
    scope = roles.scope(request.user, CHANGE)
    kept = {k: v for k, v in (("unit", unit_code), ("q", query), ("prefix", cidr)) if v}
    return render(
        request,
        "network/addresses.html",
        {
            "page": page,
            "units": units_of(request.user),
            "chosen": {"unit": unit_code, "q": query, "prefix": cidr},
            "filters": urlencode(kept),
            "can_change": may_change_somewhere(request.user),
            "changeable": None if scope is None else scope,
        },
    )


def _apply(request, reg: Address | None):
    units = _changeable_units(request.user)
    people = _people(request.user)
    systems = _systems(request.user)
    initial = {}
    if reg is not None:
        initial = {
            "address": reg.address,
            "unit": reg.unit.code,
            "hostname": reg.hostname,
            "mac": reg.mac,
            "owner": str(reg.owner_id or ""),
            "system": reg.system.code if reg.system else "",
            "note": reg.note,
        }
    form = AddressForm(request.POST or None, initial=initial, units=units, people=people, systems=systems)
    if request.method != "POST" or not form.is_valid():
        return form, None
    data = form.cleaned_data
    unit = access.unit_for(request.user, data["unit"], CHANGE)
    fields = {
        "hostname": data["hostname"],
        "mac": data["mac"],
        "owner": people.get(pk=int(data["owner"])) if data["owner"] else None,
        "system": systems.get(code=data["system"]) if data["system"] else None,
        "note": data["note"],
    }
    actor = actor_name(request.user)
    try:
        if reg is None:
            saved = register.register_address(data["address"], unit, **fields, actor=actor)
        else:
            saved = register.update_address(reg, actor=actor, address=data["address"], unit=unit, **fields)
    except LakthanError as exc:
        form.add_error(None, exc.message(_lang()))
        return form, None
    return form, saved


@login_required
def address_add(request):
    form, saved = _apply(request, None)
    if saved is not None:
        return redirect(f"{_url('network:addresses')}?unit={saved.unit.code}")
    return render(request, "network/address_form.html", {"form": form, "heading": _("Register an address")})


@login_required
def address_edit(request, pk: int):
    reg = _visible_registration(request.user, pk)
    access.require(request.user, CHANGE, reg.unit)
    if request.method == "POST" and request.POST.get("remove") == "1":
        register.remove_address(reg, actor=actor_name(request.user))
        return redirect(f"{_url('network:addresses')}?unit={reg.unit.code}")
    form, saved = _apply(request, reg)
    if saved is not None:
        return redirect(f"{_url('network:addresses')}?unit={saved.unit.code}")
    history = _history(register.list_changes(registration=reg)[:50])
    return render(
        request,
        "network/address_form.html",
        {"form": form, "heading": _("Edit the registration"), "reg": reg, "history": history},
    )


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
def address_import(request):
    scope = roles.scope(request.user, CHANGE)
    if scope is not None and not scope:
        raise PermissionDenied(CHANGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    done = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 10 MB."))
        else:
            try:
                done = register_io.import_addresses_data(
                    upload.read(), Path(upload.name).name, actor=actor_name(request.user), within=scope
                )
            except register_io.ImportRejected as exc:
                problems = exc.lines(_lang())
            except LakthanError as exc:
                form.add_error(None, exc.message(_lang()))
    return render(request, "network/address_import.html", {"form": form, "problems": problems, "done": done})


@login_required
def address_export(request):
    allowed = access.visible_unit_ids(request.user)
    code = params.text(request, "unit", 40)
    unit = access.unit_for(request.user, code) if code else None
    data = register_io.export_addresses(unit=unit, within=allowed)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="addresses-{code or "all"}.csv"'
    return response


# --- history --------------------------------------------------------------------------------------


def _history(changes) -> list[dict]:
    """Each change with the fields it changed, as the page shows them (owners by name)."""
    changes = list(changes)
    owners = {
        c.get("owner")
        for ch in changes
        for c in (ch.before or {}, ch.after or {})
        if c.get("owner") is not None
    }
    names = {p.pk: p.display_name for p in Person.objects.filter(pk__in=owners)}

    def shown(key, value):
        if key == "owner" and value is not None:
            return names.get(value, value)
        return value

    out = []
    for ch in changes:
        before, after = ch.before or {}, ch.after or {}
        fields = []
        for key, label in FIELD_LABELS.items():
            old, new = before.get(key), after.get(key)
            if old != new and (old not in (None, "") or new not in (None, "")):
                fields.append({"label": label, "old": shown(key, old), "new": shown(key, new)})
        out.append({"change": ch, "unit": after.get("unit") or before.get("unit", ""), "fields": fields})
    return out


@login_required
def changes(request):
    allowed = access.visible_unit_ids(request.user)
    unit_code = params.text(request, "unit", 40)
    unit = access.unit_for(request.user, unit_code) if unit_code else None
    since_day = params.day(request, "since")
    since = None
    if since_day is not None:
        since = parse_instant(since_day.isoformat()).astimezone(BANGKOK)
    found = register.list_changes(unit=unit, since=since, within=allowed)
    page = Paginator(found, PAGE_SIZE).get_page(params.integer(request, "page", 1, 10**6) or 1)
    kept = {k: v for k, v in (("unit", unit_code), ("since", request.GET.get("since", "").strip())) if v}
    return render(
        request,
        "network/changes.html",
        {
            "page": page,
            "rows": _history(page.object_list),
            "units": units_of(request.user),
            "chosen": {"unit": unit_code, "since": since_day},
            "filters": urlencode(kept),
        },
    )


# --- what the network did -------------------------------------------------------------------------


@login_required
def observations(request):
    if access.visible_unit_ids(request.user) == set():
        raise PermissionDenied(roles.VIEW)
    page = Paginator(observe.list_readings(), PAGE_SIZE).get_page(
        params.integer(request, "page", 1, 10**6) or 1
    )
    return render(
        request,
        "network/observations.html",
        {"page": page, "can_upload": may_change_somewhere(request.user)},
    )


@login_required
def observe_upload(request):
    if not may_change_somewhere(request.user):
        raise PermissionDenied(CHANGE)
    form = ReadingForm(request.POST or None, request.FILES or None)
    done = None
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_READING:
            form.add_error("file", _("The file is larger than 100 MB."))
        else:
            try:
                done = read_upload(
                    form.cleaned_data["kind"],
                    upload,
                    form.cleaned_data["at"],
                    actor_name(request.user),
                )
            except LakthanError as exc:
                form.add_error(None, exc.message(_lang()))
            else:
                thai = _lang().startswith("th")
                problems = [th if thai else en for th, en in observe.problems_of(done)]
    return render(request, "network/observe_upload.html", {"form": form, "done": done, "problems": problems})


def read_upload(kind: str, upload, at_text: str, actor: str) -> ObservationImport:
    """An uploaded leases file or ARP table read as the CLI reads a file (its name kept as the
    source); ``at_text``: when an ARP table was taken (blank: now)."""
    from django.utils import timezone

    from lakthan.core.errors import InvalidInput

    name = Path(upload.name or "upload").name
    with tempfile.TemporaryDirectory(prefix="lakthan-net-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if kind == ObservationImport.Kind.DHCPD:
            return observe.observe_dhcpd(path, actor=actor, source=f"upload:{name}")
        if kind == ObservationImport.Kind.KEA:
            return observe.observe_kea(path, actor=actor, source=f"upload:{name}")
        at = timezone.now().replace(microsecond=0)
        if at_text:
            try:
                at = parse_instant(at_text)
            except ValueError:
                raise InvalidInput(
                    f"'{at_text}' ไม่ใช่เวลา (YYYY-MM-DD HH:MM)",
                    f"'{at_text}' is not a time (YYYY-MM-DD HH:MM)",
                ) from None
        return observe.observe_arp(path, actor=actor, at=at, source=f"upload:{name}")
