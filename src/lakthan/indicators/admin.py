"""Admin for the indicator library (read-only: it is loaded from YAML), agreements and assignments."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lakthan.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from lakthan.indicators.models import Agreement, AgreementIndicator, Assignment, Criterion, Indicator, Library


@admin.register(Library)
class LibraryAdmin(ReadOnlyAdmin):
    list_display = ("urn", "name_th", "version", "source_file", "short_sha256", "loaded_at")
    search_fields = ("urn", "name_th", "name_en")

    @admin.display(description="SHA-256")
    def short_sha256(self, obj: Library) -> str:
        return obj.sha256[:12]


class CriterionInline(ReadOnlyInline, admin.TabularInline):
    model = Criterion
    fields = ("number", "title_th", "level", "reconstructed", "check_urns")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "library", "parent", "scheme_kind")
    list_filter = ("library",)
    search_fields = ("code", "name_th", "name_en", "urn")
    list_select_related = ("library", "parent")
    inlines = (CriterionInline,)

    @admin.display(description=_("Scoring"))
    def scheme_kind(self, obj: Indicator) -> str:
        return (obj.scheme or {}).get("kind", "—")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "number", "title_th", "reconstructed")
    list_filter = ("indicator__library", "reconstructed")
    search_fields = ("urn", "title_th", "title_en", "indicator__code")
    list_select_related = ("indicator",)


class AgreementLineForm(forms.ModelForm):
    """The same rules as indicators.services.set_agreement."""

    class Meta:
        model = AgreementIndicator
        fields = ("indicator", "weight")

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and not Decimal(0) < weight <= Decimal(100):
            raise forms.ValidationError(_("The weight must be more than 0 and at most 100."))
        return weight

    def clean_indicator(self):
        indicator = self.cleaned_data["indicator"]
        if indicator is not None and not indicator.is_scored:
            raise forms.ValidationError(_("This indicator has no scoring scheme."))
        return indicator


class AgreementLineInline(admin.TabularInline):
    model = AgreementIndicator
    form = AgreementLineForm
    extra = 0
    autocomplete_fields = ("indicator",)


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ("unit", "fiscal_year", "line_count", "total_weight")
    list_filter = ("fiscal_year",)
    search_fields = ("unit__code", "unit__name_th")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    inlines = (AgreementLineInline,)

    @admin.display(description=_("Indicators"))
    def line_count(self, obj: Agreement) -> int:
        return obj.lines.count()

    @admin.display(description=_("Total weight (%)"))
    def total_weight(self, obj: Agreement) -> Decimal:
        return sum((line.weight for line in obj.lines.all()), Decimal(0))


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ("unit", "indicator", "fiscal_year", "role", "person", "order")
    list_filter = ("role", "fiscal_year")
    search_fields = ("unit__code", "indicator__code", "person__first_name_th", "person__last_name_th")
    list_select_related = ("unit", "indicator", "person")
    autocomplete_fields = ("unit", "indicator", "person")
