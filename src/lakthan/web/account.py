"""The signed-in user's own pages: TOTP two-factor set-up and verification, notification
preferences, the API token."""

from __future__ import annotations

import math

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from rest_framework.authtoken.models import Token

from lakthan.core import audit, notifications, roles
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
def two_factor(request):
    """First time: a QR code for the authenticator app and a code to confirm it. Afterwards: the code."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Lakthan", confirmed=False)
    error = ""
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())
        allowed, why = device.verify_is_allowed()
        if not allowed:  # too many wrong codes: no code is checked until the wait is over, say so
            error = _wait_message(why)
        elif token and device.verify_token(token):
            with transaction.atomic():
                if not device.confirmed:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit.record(
                        user.get_username(), "two_factor.enrol", device, after={"device": device.name}
                    )
            otp_login(request, device)
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
        },
        status=400 if error else 200,
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
    new_token = ""
    form = PreferenceForm(instance=preference)
    if request.method == "POST":
        actor = request.user.get_username()
        if request.POST.get("action") == "token":
            with transaction.atomic():
                Token.objects.filter(user=request.user).delete()
                token = Token.objects.create(user=request.user)
                audit.record_event(actor, "api_token.create", "authtoken.token", request.user.pk)
            new_token = token.key
            messages.success(request, _("A new API token was created; the old one no longer works."))
        else:
            form = PreferenceForm(request.POST, instance=preference)
            if form.is_valid():
                with transaction.atomic():
                    before = audit.snapshot(NotificationPreference.objects.get(pk=preference.pk))
                    saved = form.save()
                    audit.record(actor, "notifications.update", saved, before)
                messages.success(request, _("Your notification preferences were saved."))
                return redirect("account")
    return render(
        request,
        "web/account.html",
        {
            "form": form,
            "new_token": new_token,
            "has_token": Token.objects.filter(user=request.user).exists(),
            "two_factor": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "roles": roles.grants(request.user),
            "is_admin": roles.is_global_admin(request.user),
        },
    )
