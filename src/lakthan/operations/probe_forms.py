"""The form that adds a probe: an http(s) URL or a TCP host:port, checked again by the service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lakthan.lib.durations import BadDuration, parse_duration


class ProbeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("No spaces or slashes, e.g. portal-https")
    )
    unit = forms.ChoiceField(label=_("Unit"))
    url = forms.CharField(label=_("URL (HTTP or HTTPS)"), max_length=2000, required=False)
    expect_text = forms.CharField(label=_("Text the page must contain"), max_length=500, required=False)
    status = forms.IntegerField(label=_("Expected status"), initial=200, min_value=100, max_value=599)
    tcp = forms.CharField(
        label=_("Or TCP host:port"), max_length=300, required=False, help_text=_("e.g. mail.example.go.th:25")
    )
    ca_file = forms.CharField(
        label=_("Internal CA file (PEM path on the server)"), max_length=1000, required=False
    )
    every = forms.CharField(label=_("Every"), initial="5m", max_length=20, help_text=_("30s, 5m, 1h …"))
    timeout_s = forms.IntegerField(label=_("Timeout (seconds)"), initial=10, min_value=1, max_value=120)
    website = forms.BooleanField(label=_("A public website (item 8)"), required=False)
    system = forms.ChoiceField(label=_("System"), required=False)

    def __init__(self, *args, units, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        self.fields["system"].choices = [("", "–"), *systems]

    def clean_every(self):
        try:
            return parse_duration(self.cleaned_data["every"])
        except BadDuration:
            raise ValidationError(_("Not a duration such as 30s, 5m or 1h.")) from None

    def clean(self):
        data = super().clean()
        if bool(data.get("url")) == bool(data.get("tcp")):
            raise ValidationError(_("Give either a URL or a TCP host:port."))
        return data
