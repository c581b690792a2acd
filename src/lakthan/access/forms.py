"""Forms of the access pages. They only shape the input; the services validate and save it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.access.models import IdentitySource
from lakthan.core.dayfield import DayField

MAX_ROSTER_BYTES = 50 * 1024 * 1024


class _Where(forms.Form):
    """Where a source is read: an LDAP directory or a CSV/XLSX file on the server."""

    ldap_url = forms.CharField(label=_("LDAP URL (ldap:// or ldaps://)"), max_length=500, required=False)
    bind_dn = forms.CharField(label=_("Bind DN"), max_length=500, required=False)
    password_file = forms.CharField(
        label=_("File holding the bind password (on the server; the password is never shown)"),
        max_length=500,
        required=False,
    )
    base_dn = forms.CharField(label=_("Base DN"), max_length=500, required=False)
    employee_id_attribute = forms.CharField(
        label=_("Employee id attribute"), max_length=80, required=False, initial="employeeNumber"
    )
    may_write = forms.BooleanField(
        label=_("Lakthan may disable leavers' accounts in the directory"), required=False
    )
    csv_path = forms.CharField(
        label=_("CSV or XLSX export of the application's users (path on the server)"),
        max_length=500,
        required=False,
    )


class SourceAddForm(_Where):
    name = forms.CharField(label=_("Source name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentitySource.Kind.choices)
    unit = forms.ChoiceField(label=_("Unit"))
    system = forms.ChoiceField(label=_("Inventory system"), required=False)
    field_order = ["name", "kind", "unit", "system"]

    def __init__(self, *args, units: list[tuple[str, str]], systems: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        unit, system = self.fields["unit"], self.fields["system"]
        assert isinstance(unit, forms.ChoiceField) and isinstance(system, forms.ChoiceField)
        unit.choices = units
        system.choices = [("", _("(an LDAP directory: a system of its own)")), *systems]


class SourceEditForm(_Where):
    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"csv_path"} if kind == IdentitySource.Kind.CSV else set(self.fields) - {"csv_path"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "password_file" in self.fields:
            self.fields["password_file"].label = _("File holding the bind password (empty: unchanged)")


class RemediateForm(forms.Form):
    as_of = DayField(label=_("As of"), label_th="วันที่พิจารณา", label_en="as of")
    unit = forms.CharField(max_length=60, widget=forms.HiddenInput)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("HR roster (CSV in UTF-8 or Windows Thai cp874, or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class AccessRequestForm(forms.Form):
    """The account request form: a person of the HR roster, a system, the right (one of the system's
    groups, or a role named in words), why, and until when."""

    employee = forms.ChoiceField(label=_("Person (HR roster)"))
    system = forms.ChoiceField(label=_("System"))
    group = forms.ChoiceField(label=_("Group of the system"), required=False)
    role_name = forms.CharField(label=_("Or a role named in words"), max_length=255, required=False)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}))
    until = DayField(
        label=_("Until (last day; empty: no end)"), label_th="วันสิ้นสุดสิทธิ์", label_en="until", required=False
    )

    def __init__(self, *args, employees, systems, groups, **kwargs):
        """``groups``: [(system label, [(group id, name), …]), …] — grouped by system in the select."""
        super().__init__(*args, **kwargs)
        self._choose("employee", [("", "—"), *employees])
        self._choose("system", [("", "—"), *systems])
        self._choose("group", [("", "—"), *groups])

    def _choose(self, name: str, choices) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(
        label=_("Comment (required to reject)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CampaignStartForm(forms.Form):
    """A review campaign's scope and due date; the service checks the rest (a head or a fallback, a
    right in scope, a due date after today)."""

    unit = forms.ChoiceField(label=_("Unit (and the units below it)"))
    system = forms.ChoiceField(label=_("Only this system"), required=False)
    privileged_only = forms.BooleanField(label=_("Only privileged groups"), required=False)
    due = DayField(label=_("Due date"), label_th="วันครบกำหนด", label_en="due date")
    fallback = forms.ChoiceField(label=_("Fallback reviewer (default: the unit's head)"), required=False)

    def __init__(self, *args, units, systems, people, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in (("unit", units), ("system", systems), ("fallback", people)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices if name == "unit" else [("", "—"), *choices]
