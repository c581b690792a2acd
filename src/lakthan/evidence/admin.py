"""Admin for the evidence register. Files enter only through the services (checked, hashed, stored),
so the admin edits metadata and shows revisions and hashes read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lakthan.core.admin import AuditedAdmin, ReadOnlyInline
from lakthan.evidence.models import Evidence, EvidenceLink, EvidenceRevision


class RevisionInline(ReadOnlyInline, admin.TabularInline):
    model = EvidenceRevision
    fields = ("number", "filename", "url", "sha256", "size", "created_at", "created_by", "note")

    @admin.display(description="SHA-256")
    def sha256(self, obj: EvidenceRevision) -> str:
        return obj.blob_id or "—"

    @admin.display(description=_("Size (bytes)"))
    def size(self, obj: EvidenceRevision):
        return obj.blob.size if obj.blob_id else "—"


class LinkInline(ReadOnlyInline, admin.TabularInline):
    model = EvidenceLink
    fields = ("report", "criterion", "created_at")


@admin.register(Evidence)
class EvidenceAdmin(AuditedAdmin):
    list_display = ("title", "unit", "kind", "doc_no", "doc_date", "expiry_date", "current_sha256")
    list_filter = ("kind", ("unit", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "doc_no", "revisions__blob__sha256", "revisions__filename")
    list_select_related = ("unit",)
    fields = (
        "unit",
        "title",
        "kind",
        "doc_no",
        "doc_date",
        "effective_date",
        "expiry_date",
        "issuing_unit",
        "check_run",
        "source_key",
        "created_at",
        "created_by",
    )
    readonly_fields = ("unit", "check_run", "source_key", "created_at", "created_by")
    autocomplete_fields = ("issuing_unit",)
    inlines = (RevisionInline, LinkInline)

    def has_add_permission(self, request):
        return False  # uploads go through evidence.services.add_file, which checks and hashes the file

    def get_readonly_fields(self, request, obj=None):
        # only a check run makes system-generated evidence: its kind cannot be changed, nor chosen here
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "kind") if obj and obj.kind == Evidence.Kind.SYSTEM else fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [
                (v, label) for v, label in Evidence.Kind.choices if v != Evidence.Kind.SYSTEM
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # reports cite evidence; history is kept

    @admin.display(description=_("SHA-256 (current)"))
    def current_sha256(self, obj: Evidence) -> str:
        current = obj.current
        return current.blob_id[:12] if current and current.blob_id else "—"
