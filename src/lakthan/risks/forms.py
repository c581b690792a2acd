"""Forms of the register's pages. They only shape the input; the services validate and save it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.core.dayfield import DayField, set_choices
from lakthan.risks.models import Risk

SCORES = [(n, str(n)) for n in range(1, 11)]


class RiskForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    system = forms.ChoiceField(label=_("Information system"), required=False)
    title = forms.CharField(label=_("Risk"), max_length=500)
    threat = forms.CharField(label=_("Threat"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    vulnerability = forms.CharField(
        label=_("Vulnerability"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), coerce=int)
    residual_likelihood = forms.TypedChoiceField(
        label=_("Likelihood after controls"), coerce=int, required=False, empty_value=None
    )
    residual_impact = forms.TypedChoiceField(
        label=_("Impact after controls"), coerce=int, required=False, empty_value=None
    )
    treatment = forms.ChoiceField(label=_("Treatment"), choices=Risk.Treatment.choices)
    treatment_plan = forms.CharField(
        label=_("Treatment plan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due = DayField(label=_("Due"), label_th="กำหนดเสร็จ", label_en="due", required=False)
    treatment_status = forms.ChoiceField(label=_("Status"), choices=Risk.TreatmentStatus.choices)
    reason = forms.CharField(label=_("Why (kept with the revision)"), max_length=500, required=False)

    def __init__(self, *args, units, systems, people, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["unit"], [(u.code, f"{u.code} · {u.name_th}") for u in units])
        set_choices(
            self.fields["system"], [("", "—"), *((s.code, f"{s.code} · {s.name_th}") for s in systems)]
        )
        set_choices(self.fields["owner"], [("", "—"), *((str(p.pk), p.display_name) for p in people)])
        for name, steps in (
            ("likelihood", matrix.likelihood),
            ("impact", matrix.impact),
            ("residual_likelihood", matrix.likelihood),
            ("residual_impact", matrix.impact),
        ):
            optional = [("", "—")] if name.startswith("residual") else []
            set_choices(
                self.fields[name], [*optional, *((s.value, f"{s.value} {s.label_th}") for s in steps)]
            )


class AcceptForm(forms.Form):
    approver = forms.ChoiceField(label=_("Accepted by"))
    expires = DayField(label=_("Acceptance holds until"), label_th="วันสิ้นสุดการยอมรับ", label_en="expiry")
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["approver"], [(str(p.pk), p.display_name) for p in people])


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Register (XLSX)"))
