"""Admin for notification preferences and the record of notifications sent (read-only)."""

from __future__ import annotations

from django.contrib import admin

from lakthan.core.admin import AuditedAdmin, ReadOnlyAdmin
from lakthan.web.models import NotificationPreference, NotificationSent


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedAdmin):
    list_display = (
        "user",
        "by_email",
        "webhook_url",
        "evidence_expiring",
        "failing_control",
        "round_closing",
    )
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


@admin.register(NotificationSent)
class NotificationSentAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "channel", "key", "ok")
    list_filter = ("channel", "ok")
    search_fields = ("user__username", "key")
