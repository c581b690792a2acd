"""Forms of item 10's pages. They only shape the input; the services validate and save it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.core.dayfield import DayField


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
