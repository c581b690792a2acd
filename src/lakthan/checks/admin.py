"""Check runs are records of what a control did; the admin only shows them."""

from __future__ import annotations

from django.contrib import admin

from lakthan.checks.models import CheckRun
from lakthan.core.admin import ReadOnlyAdmin


@admin.register(CheckRun)
class CheckRunAdmin(ReadOnlyAdmin):
    list_display = ("check_urn", "unit", "status", "period_start", "period_end", "started_at", "trigger")
    list_filter = ("status", "trigger", "check_urn")
    search_fields = ("check_urn", "unit__code", "summary_th", "summary_en")
    list_select_related = ("unit",)
    date_hierarchy = "started_at"
