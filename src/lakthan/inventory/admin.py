"""Admin for the inventory; edits are audited like the services' changes."""

from __future__ import annotations

from django.contrib import admin

from lakthan.core.admin import AuditedAdmin
from lakthan.inventory.models import Host, System


@admin.register(System)
class SystemAdmin(AuditedAdmin):
    list_display = ["code", "name_th", "unit", "klass", "criticality", "owner", "active"]
    list_filter = ["klass", "criticality", "active"]
    search_fields = ["code", "name_th", "name_en"]
    readonly_fields = ["created_at"]


@admin.register(Host)
class HostAdmin(AuditedAdmin):
    list_display = ["name", "unit", "role"]
    search_fields = ["name", "role"]
    filter_horizontal = ["systems"]
    readonly_fields = ["created_at"]
