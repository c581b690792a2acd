"""Forms of the problem log's pages: the quick report a clerk fills in under a minute (unit and time
filled in, a severity in words, the system from a list), the changes of one problem, and a problem
owner with the order's scan. They shape the input; the services check and save it.

Times are typed as a day in the UI's date shape (``11/07/2556`` in Thai, ``2013-07-11``) and a clock
time (``09:05``), read in Asia/Bangkok unless an offset is written; a full ISO-8601 instant is taken too."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lakthan.core.dayfield import DayField, InstantField, set_choices, thai_ui
from lakthan.problems.services.log import SEVERITY_EN, SEVERITY_TH


def severities() -> list[tuple[int, str]]:
    """``1 วิกฤต`` … in the Thai UI, ``1 critical`` … in the English one."""
    words = SEVERITY_TH if thai_ui() else SEVERITY_EN  # as services.log names them
    return [(n, f"{n} {words[n]}") for n in (1, 2, 3, 4)]


class ProblemForm(forms.Form):
    unit = forms.ChoiceField(label=_("Reporting unit"))
    reported_at = InstantField(label=_("Reported at"), label_th="เวลาที่รับแจ้ง", label_en="reported at")
    severity = forms.TypedChoiceField(label=_("Severity"), coerce=int, initial=3)
    system = forms.ChoiceField(label=_("Information system"), required=False)
    title = forms.CharField(label=_("Problem"), max_length=500)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reported_by = forms.CharField(label=_("Reported by"), max_length=255, required=False)
    assignee = forms.ChoiceField(
        label=_("Person responsible"),
        required=False,
        help_text=_("Leave empty: the system's problem owner named in the order"),
    )

    def __init__(self, *args, units, systems, people, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["unit"], units)
        set_choices(self.fields["severity"], severities())
        set_choices(self.fields["system"], [("", "—"), *systems])
        set_choices(self.fields["assignee"], [("", "—"), *people])


class AssignForm(forms.Form):
    person = forms.ChoiceField(label=_("Person responsible"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["person"], people)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CloseForm(forms.Form):
    fixed_at = InstantField(label=_("Fixed at"), label_th="เวลาที่แก้ไขเสร็จ", label_en="fixed at")
    fix = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    result = forms.CharField(
        label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}), max_length=10000, required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class OwnerForm(forms.Form):
    system = forms.ChoiceField(label=_("Information system"))
    person = forms.ChoiceField(label=_("Person responsible"))
    unit = forms.ChoiceField(label=_("At unit"), required=False, help_text=_("Empty: every unit"))
    since = DayField(label=_("From"), label_th="วันเริ่ม", label_en="since", required=False)
    until = DayField(label=_("Until"), label_th="วันสิ้นสุด", label_en="until", required=False)
    order_file = forms.FileField(label=_("The order (scan or PDF)"), required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=120, required=False)
    order_date = DayField(label=_("Order date"), label_th="วันที่ของคำสั่ง", label_en="order date", required=False)
    order_evidence = forms.ChoiceField(label=_("Or an order already registered"), required=False)

    def __init__(self, *args, systems, people, units, orders, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["system"], systems)
        set_choices(self.fields["person"], people)
        set_choices(self.fields["unit"], [("", _("every unit")), *units])
        set_choices(self.fields["order_evidence"], [("", "—"), *orders])

    def clean(self):
        data = super().clean()
        has_file, has_evidence = bool(data.get("order_file")), bool(data.get("order_evidence"))
        if has_file == has_evidence:
            raise ValidationError(_("Give the order: upload its file, or choose one already registered."))
        if has_file and not (data.get("order_no") and data.get("order_date")):
            raise ValidationError(_("An uploaded order needs its number and date."))
        return data
