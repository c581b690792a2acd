"""The signed-in user's own pages: TOTP two-factor set-up and verification (or a recovery code),
notification preferences, API tokens, password change and recovery codes."""

from __future__ import annotations

import math

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakthan.core import audit, notifications, roles, tokens, two_factor
from lakthan.core.errors import LakthanError
from lakthan.core.models import ApiToken, RecoveryCodeDevice, Unit
from lakthan.lib import outbound
from lakthan.web.models import NotificationPreference


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_step(request):
    """First time: a QR code for the authenticator app and a code to confirm it, then the recovery
    codes, shown once. Afterwards: the code, or one of the recovery codes."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Lakthan", confirmed=False)
    recovery = RecoveryCodeDevice.objects.filter(user=user).first() if confirmed else None
    error = ""
    if request.method == "POST" and recovery is not None and request.POST.get("recovery_code"):
        if recovery.verify_token(request.POST["recovery_code"]):
            otp_login(request, recovery)
            left = two_factor.recovery_codes_left(user)
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code; %(n)s code is left.",
                    "You signed in with a recovery code; %(n)s codes are left.",
                    left,
                )
                % {"n": left},
            )
            return redirect(_next(request))
        error = _("This recovery code is not right, or it was used already.")
    elif request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())
        allowed, why = device.verify_is_allowed()
        if not allowed:  # too many wrong codes: no code is checked until the wait is over, say so
            error = _wait_message(why)
        elif token and device.verify_token(token):
            enrolled = not device.confirmed
            with transaction.atomic():
                if enrolled:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit.record(
                        user.get_username(), "two_factor.enrol", device, after={"device": device.name}
                    )
                    codes = two_factor.new_recovery_codes(user, actor=user.get_username())
            otp_login(request, device)
            if enrolled:
                return _show_recovery_codes(request, codes, _next(request))
            return redirect(_next(request))
        else:
            error = _("The code is not right. Enter the 6 digits your authenticator app shows now.")
    qr = ""
    if not device.confirmed:
        qr = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP"))  # noqa: S308 - segno's own SVG
    return render(
        request,
        "registration/two_factor.html",
        {
            "enrolling": not device.confirmed,
            "qr": qr,
            "secret": _b32(device) if not device.confirmed else "",
            "error": error,
            "next": _next(request),
            "required": roles.needs_two_factor(user),
            "has_recovery": recovery is not None,
        },
        status=400 if error else 200,
    )


def _show_recovery_codes(request, codes: list[str], next_url: str):
    """The codes' only showing: never cached, never stored in clear."""
    response = render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})
    response["Cache-Control"] = "no-store"
    return response


def _wait_message(why: dict | None) -> str:
    until = (why or {}).get("locked_until")
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    return ngettext(
        "Too many wrong codes. Wait %(n)s second, then enter the code your app shows then.",
        "Too many wrong codes. Wait %(n)s seconds, then enter the code your app shows then.",
        seconds,
    ) % {"n": seconds}


def _b32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


class PreferenceForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=gettext_lazy("Webhook URL (LINE or any chat)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    class Meta:
        model = NotificationPreference
        fields = [
            "by_email",
            "webhook_url",
            "evidence_expiring",
            "expiry_days",
            "failing_control",
            "round_closing",
            "round_days",
        ]

    def clean_webhook_url(self):
        """Judged now and again at each sending (a name that does not resolve yet is judged then)."""
        url = self.cleaned_data["webhook_url"]
        if url:
            try:
                outbound.vet(url, notifications.trusted_networks(), must_resolve=False)
            except outbound.UnsafeURL as exc:
                why = exc.th if get_language() == "th" else exc.en
                raise forms.ValidationError(
                    _("This webhook may not be used: %(why)s") % {"why": why}
                ) from None
        return url


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=tokens.MAX_DAYS,
        initial=tokens.DEFAULT_DAYS,
    )


class PasswordCheckForm(forms.Form):
    """Asks for the user's password again before a sensitive change."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account(request):
    user = request.user
    actor = user.get_username()
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    form = PreferenceForm(instance=preference)
    token_form = TokenForm()
    recovery_form = PasswordCheckForm(user)
    new_key = ""
    action = request.POST.get("action", "preferences") if request.method == "POST" else None
    if action == "token_create":
        token_form = TokenForm(request.POST)
        if token_form.is_valid():
            data = token_form.cleaned_data
            try:
                token, new_key = tokens.issue(user, data["name"], data["scope"], data["days"], actor=actor)
            except LakthanError as exc:
                token_form.add_error(None, exc.message(get_language() or "th"))
            else:
                messages.success(request, _("The token “%(name)s” was created.") % {"name": token.name})
                token_form = TokenForm()
    elif action == "token_revoke":
        wanted = request.POST.get("token", "")
        token = (
            ApiToken.objects.filter(user=user, pk=wanted).first()
            if wanted.isdecimal() and len(wanted) <= 18
            else None
        )
        if token is not None:
            tokens.revoke(token, actor=actor)
            messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return redirect("account")
    elif action == "recovery_codes":
        recovery_form = PasswordCheckForm(user, request.POST)
        if recovery_form.is_valid():
            codes = two_factor.new_recovery_codes(user, actor=actor)
            return _show_recovery_codes(request, codes, "/account/")
    elif action is not None:
        form = PreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            with transaction.atomic():
                before = audit.snapshot(NotificationPreference.objects.get(pk=preference.pk))
                saved = form.save()
                audit.record(actor, "notifications.update", saved, before)
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("account")
    has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "web/account.html",
        {
            "form": form,
            "token_form": token_form,
            "recovery_form": recovery_form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"),
            "now": timezone.now(),
            "two_factor": has_totp,
            "recovery_left": two_factor.recovery_codes_left(user) if has_totp else None,
            "roles": _roles_with_units(user),
            "is_admin": roles.is_global_admin(user),
        },
    )


def _roles_with_units(user) -> list[tuple[str, Unit | None]]:
    """(role, unit) of each role the user holds, the unit named rather than numbered."""
    grants = roles.grants(user)
    units = Unit.objects.in_bulk({unit_id for _, unit_id in grants})
    return [(role, units.get(unit_id)) for role, unit_id in grants]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request):
    """The user's own password, with the old one asked again; the session stays signed in (and
    verified), other sessions of the user end."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            two_factor.record_password_change(user, actor=user.get_username())
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("account")
    return render(
        request, "web/password_change.html", {"form": form}, status=400 if request.method == "POST" else 200
    )
