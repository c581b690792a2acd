"""The forms that add a dataset (every kind of source) and a quality rule; the services check again."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lakthan.core.dayfield import DayField
from lakthan.data.models import Dataset, QualityRule
from lakthan.lib.durations import BadDuration, parse_duration


class DatasetForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("No spaces or slashes, e.g. passport-import")
    )
    unit = forms.ChoiceField(label=_("Unit"))
    system = forms.ChoiceField(label=_("System"), required=False)
    every = forms.CharField(
        label=_("Expected to be updated every"), initial="1d", max_length=20, help_text=_("1h, 1d, 1w …")
    )
    source = forms.ChoiceField(
        label=_("How its last update is read"),
        choices=[
            (Dataset.Source.SQL, _("An SQL query through a DSN")),
            (Dataset.Source.FILE, _("A file's modification time")),
            (Dataset.Source.IMPORT_LOG, _("The newest matching line of an import log")),
        ],
        initial=Dataset.Source.SQL,
        widget=forms.RadioSelect,
    )
    dsn = forms.CharField(
        label=_("DSN"),
        max_length=2000,
        required=False,
        help_text=_(
            "sqlite:///path, postgresql://user@host/db, mysql://…, oracle://…, mssql://… or env:NAME"
        ),
    )
    query = forms.CharField(
        label=_("SQL query (one row, one column: the time of the last update)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    path = forms.CharField(
        label=_("File or import log path (on the server)"), max_length=2000, required=False
    )
    pattern = forms.CharField(
        label=_("Line pattern (a regex with a group named at)"),
        max_length=1000,
        required=False,
        help_text=_("e.g. imported OK at (?P&lt;at&gt;\\S+ \\S+)"),
    )
    tz = forms.CharField(
        label=_("Time zone of times without an offset"), initial="Asia/Bangkok", max_length=64
    )
    timeout_s = forms.IntegerField(label=_("Timeout (seconds)"), initial=30, min_value=1, max_value=600)
    owner = forms.ChoiceField(label=_("Data owner"), required=False)
    order_file = forms.FileField(label=_("Order naming the owner (file)"), required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=100, required=False)
    order_date = DayField(label=_("Order date"), label_th="วันที่ของคำสั่ง", label_en="order date", required=False)

    def __init__(self, *args, units, systems, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        self.fields["system"].choices = [("", "–"), *systems]
        self.fields["owner"].choices = [("", "–"), *people]

    def clean_every(self):
        try:
            return parse_duration(self.cleaned_data["every"])
        except BadDuration:
            raise ValidationError(_("Not a duration such as 1h, 1d or 1w.")) from None

    def clean(self):
        data = super().clean()
        if data.get("order_file") and not (
            data.get("owner") and data.get("order_no") and data.get("order_date")
        ):
            raise ValidationError(_("An order needs the owner, its number and its date."))
        return data


class RuleForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Dataset"))
    name = forms.CharField(label=_("Rule name"), max_length=80)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (QualityRule.Kind.ROW_COUNT, _("Row count within a range")),
            (QualityRule.Kind.NULL_RATE, _("Null rate of a column at most")),
            (QualityRule.Kind.ASSERTION, _("SQL assertion (every row returned is a failure)")),
        ],
        widget=forms.RadioSelect,
        initial=QualityRule.Kind.ROW_COUNT,
    )
    table = forms.CharField(label=_("Table"), max_length=255, required=False)
    column = forms.CharField(label=_("Column"), max_length=255, required=False)
    min_value = forms.FloatField(label=_("At least"), required=False)
    max_value = forms.FloatField(label=_("At most (a null rate: 0–1)"), required=False)
    query = forms.CharField(
        label=_("Assertion SQL"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, datasets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = datasets
