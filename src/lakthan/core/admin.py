"""Admin for the organisation (units, people) and the audit trail, plus the mixins the other apps' admins use."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lakthan.core import audit, audit_text
from lakthan.core.models import AuditEntry, Person, RoleGrant, Unit

admin.site.site_header = _("Lakthan administration")
admin.site.site_title = _("Lakthan")
admin.site.index_title = _("Reference data")


class AuditedAdmin(admin.ModelAdmin):
    """Edits made in the admin go into the audit trail, as the services' changes do."""

    def _action(self, obj, verb: str) -> str:
        return f"{obj._meta.model_name}.admin_{verb}"

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            request.user.get_username(), self._action(obj, "change" if change else "add"), obj, before
        )

    def save_formset(self, request, form, formset, change):
        actor = request.user.get_username()
        # Recorded before saving: a deleted row has lost its primary key afterwards.
        for f in formset.deleted_forms:
            if f.instance.pk is not None:
                audit.record(
                    actor,
                    self._action(f.instance, "delete"),
                    f.instance,
                    before=audit.snapshot(f.instance),
                    after=None,
                )
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            audit.record(actor, self._action(obj, "save"), obj)

    def delete_model(self, request, obj):
        audit.record(
            request.user.get_username(),
            self._action(obj, "delete"),
            obj,
            before=audit.snapshot(obj),
            after=None,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(
                request.user.get_username(),
                self._action(obj, "delete"),
                obj,
                before=audit.snapshot(obj),
                after=None,
            )
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services or loaded from files: the admin may look, never change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields  # all of them, including non-editable ones such as created_at

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "tree_name", "kind", "parent", "abbreviation_th")
    list_filter = ("kind", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name_th", "name_en", "abbreviation_th")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)

    @admin.display(description=_("Name"), ordering="name_th")
    def tree_name(self, obj: Unit) -> str:
        # Indented by depth so the list reads as the tree (ancestors() walks up one query per level).
        return "\u2003" * len(obj.ancestors()) + obj.name_th


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("display_name", "position_th", "unit", "phone", "email", "user")
    list_filter = (("unit", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("first_name_th", "last_name_th", "name_en", "email", "unit__code", "user__username")
    list_select_related = ("unit", "user")
    autocomplete_fields = ("unit", "user")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "sentence", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor", "action", "object_id")
    date_hierarchy = "at"

    @admin.display(description=_("What happened"))
    def sentence(self, entry: AuditEntry) -> str:
        return audit_text.describe(
            {
                f: getattr(entry, f)
                for f in ("at", "actor", "action", "object_type", "object_id", "before", "after")
            }
        )


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    """Roles per unit (admin, supervisor, collector, reviewer, auditor); a role covers the units below."""

    list_display = ("user", "role", "unit", "created_at")
    list_filter = ("role", ("unit", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "unit__code", "unit__name_th")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")
