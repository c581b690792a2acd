"""Admin for notification preferences, the record of notifications sent (read-only), and the accounts:
users, second-factor devices and API tokens, each change audited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakthan.core import audit, two_factor
from lakthan.core.admin import AuditedAdmin, ReadOnlyAdmin
from lakthan.core.models import ApiToken
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


# --- accounts: every act of an administrator on users, second factors and API tokens is audited ------


def _reregister(model, admin_class) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Creating a user, granting staff or superuser, groups and permissions: one entry after the
    related rows are saved, so that it shows them; a password set here: an entry of its own."""

    actions = ["reset_two_factor"]

    @admin.action(description=gettext_lazy("Reset two-factor sign-in (lost device)"))
    def reset_two_factor(self, request, queryset):
        """The authenticator and recovery codes are removed: the user enrols again at next sign-in."""
        actor = request.user.get_username()
        for user in queryset:
            two_factor.reset(user, actor=actor)
        names = ", ".join(u.get_username() for u in queryset)
        self.message_user(
            request,
            _(
                "Two-factor sign-in was reset for %(users)s; they set up a new authenticator at their next sign-in."
            )
            % {"users": names},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        request._audit_before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        admin.ModelAdmin.save_model(self, request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        verb = "change" if change else "add"
        audit.record(request.user.get_username(), f"user.admin_{verb}", obj, request._audit_before)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = get_user_model().objects.get(pk=unquote(id))
            audit.record_event(
                request.user.get_username(),
                "user.admin_set_password",
                "auth.user",
                user.pk,
                {"user": user.get_username()},
            )
        return response


class AuditedTOTPDeviceAdmin(AuditedAdmin, TOTPDeviceAdmin):
    """Resetting a lost authenticator is deleting its device: audited like every delete here."""


class AuditedStaticDeviceAdmin(AuditedAdmin, StaticDeviceAdmin):
    pass


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """API tokens: who, what for, until when. Keys are never stored, so never shown; an administrator
    may revoke a token (delete, audited) but not make one (its owner does, on their account page)."""

    list_display = ("user", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at")
    list_filter = ("scope",)
    search_fields = ("user__username", "name")
    fields = ("user", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _action(self, obj, verb: str) -> str:
        return "api_token.revoke" if verb == "delete" else super()._action(obj, verb)


_reregister(get_user_model(), AuditedUserAdmin)
_reregister(TOTPDevice, AuditedTOTPDeviceAdmin)
_reregister(StaticDevice, AuditedStaticDeviceAdmin)
