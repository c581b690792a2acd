"""Forms of the continuity pages (targets, scenarios, plan approval). They only shape the input; the
services validate and save it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.core.errors import InvalidInput


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class TargetForm(forms.Form):
    rto = forms.CharField(label=_("RTO (recovery time, e.g. 4h)"), max_length=40)
    rpo = forms.CharField(label=_("RPO (data that may be lost, e.g. 1h)"), max_length=40)
    mtd = forms.CharField(label=_("MTD (longest tolerable outage, e.g. 1d)"), max_length=40, required=False)
    depends_on = forms.MultipleChoiceField(label=_("Depends on"), required=False)
    manual_procedure = forms.CharField(
        label=_("Manual procedure while the system is down"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
    )

    def __init__(self, *args, systems: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["depends_on"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = systems

    def _duration(self, name: str) -> int | None:
        from lakthan.lib.durations import BadDuration, parse_duration

        text = self.cleaned_data.get(name) or ""
        if not text.strip():
            return None
        try:
            return parse_duration(text)
        except BadDuration:
            raise forms.ValidationError(_("Not a duration such as 30m, 4h or 1d.")) from None

    def clean_rto(self):
        return self._duration("rto")

    def clean_rpo(self):
        return self._duration("rpo")

    def clean_mtd(self):
        return self._duration("mtd")


class ScenarioForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    steps = forms.CharField(
        label=_("Steps (one per line, in order)"), widget=forms.Textarea(attrs={"rows": 8})
    )
    contacts = forms.CharField(
        label=_("Contacts (one per line: name | role | phone)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    alternate_site = forms.CharField(
        label=_("Alternate site"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    systems = forms.MultipleChoiceField(label=_("Systems concerned"), required=False)

    def __init__(self, *args, systems: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["systems"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = systems

    def clean_steps(self) -> list[str]:
        return lines(self.cleaned_data["steps"])

    def clean_contacts(self) -> list[dict]:
        try:
            return parse_contacts(self.cleaned_data["contacts"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message_en) from None


def parse_contacts(text: str) -> list[dict]:
    out = []
    for n, line in enumerate(lines(text), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 3:
            raise InvalidInput(
                f"บรรทัด {n}: เกิน ๓ ช่อง", f"line {n}: more than three fields (name | role | phone)"
            )
        name, role, phone = (parts + ["", "", ""])[:3]
        out.append({"name": name, "role": role, "phone": phone})
    return out


def contacts_text(contacts: list[dict]) -> str:
    return "\n".join(
        " | ".join(c.get(k, "") for k in ("name", "role", "phone")).rstrip(" |") for c in contacts
    )


class ApproveForm(forms.Form):
    approver = forms.ChoiceField(label=_("Approved by"))
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, people: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["approver"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = people
