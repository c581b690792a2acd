"""Forms of the backup pages. They only shape the input; the services validate and save it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.backups.models import BackupSystem
from lakthan.core.dayfield import DayField

WINDOW_CHOICES = [("", _("the class default")), *BackupSystem.Window.choices]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class _Policy(forms.Form):
    min_per_window = forms.IntegerField(
        label=_("Backups per window (override)"), min_value=1, max_value=1000, required=False
    )
    window = forms.ChoiceField(label=_("Window (override)"), choices=WINDOW_CHOICES, required=False)
    override_reason = forms.CharField(
        label=_("Reason for the override"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class BackupAddForm(_Policy):
    system = forms.ChoiceField(label=_("Inventory system"))
    source = forms.ChoiceField(
        label=_("What to back up"),
        choices=[c for c in BackupSystem.Source.choices if c[0] != BackupSystem.Source.LAKTHAN],
    )
    paths = forms.CharField(
        label=_("Directories (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    sqlite = forms.CharField(label=_("SQLite file"), max_length=500, required=False)
    postgres = forms.CharField(
        label=_("PostgreSQL DSN"), max_length=1000, required=False, widget=forms.PasswordInput
    )
    repo = forms.CharField(
        label=_("restic repository (empty: a new one under LAKTHAN_HOME)"), max_length=500, required=False
    )
    password_file = forms.CharField(
        label=_("Repository password file (empty: generated)"), max_length=500, required=False
    )
    in_service_from = DayField(
        label=_("In service from"), label_th="วันที่เริ่มให้บริการ", label_en="in service from", required=False
    )
    field_order = ["system", "source", "paths", "sqlite", "postgres", "repo", "password_file"]

    def __init__(self, *args, systems: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["system"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = systems

    def clean_paths(self) -> list[str]:
        return _lines(self.cleaned_data["paths"])


class BackupEditForm(_Policy):
    paths = forms.CharField(
        label=_("Directories (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    sqlite = forms.CharField(label=_("SQLite file"), max_length=500, required=False)
    postgres = forms.CharField(
        label=_("PostgreSQL DSN (empty: unchanged)"),
        max_length=1000,
        required=False,
        widget=forms.PasswordInput,
    )
    keep_daily = forms.IntegerField(label=_("Keep daily snapshots"), min_value=1, max_value=1000)
    keep_weekly = forms.IntegerField(label=_("Keep weekly snapshots"), min_value=1, max_value=1000)
    keep_monthly = forms.IntegerField(label=_("Keep monthly snapshots"), min_value=1, max_value=1000)
    active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, source: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"paths": BackupSystem.Source.PATHS, "sqlite": BackupSystem.Source.SQLITE}
        keep["postgres"] = BackupSystem.Source.POSTGRES
        for name, kind in keep.items():
            if source != kind:
                del self.fields[name]

    def clean_paths(self) -> list[str]:
        return _lines(self.cleaned_data["paths"])


class ImportForm(forms.Form):
    repo = forms.CharField(label=_("restic repository"), max_length=500)
    password_file = forms.CharField(label=_("Repository password file"), max_length=500)
    host = forms.CharField(label=_("Only snapshots of host"), max_length=255, required=False)
    path = forms.CharField(label=_("Only snapshots of path"), max_length=500, required=False)
    tag = forms.CharField(label=_("Only snapshots with tag"), max_length=255, required=False)
