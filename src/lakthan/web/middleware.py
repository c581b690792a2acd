"""Security headers, the two-factor requirement and request metrics."""

from __future__ import annotations

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from lakthan.core import roles
from lakthan.web import metrics


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy (no inline script or style) and Permissions-Policy headers.

    Django 5.2 has no CSP support of its own (it comes in 6.0), hence this middleware; a view may set
    its own header (the evidence preview does) and it is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.LAKTHAN_CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


# Paths an administrator or supervisor may reach before their second factor is verified.
TWO_FACTOR_OPEN = ("/accounts/", "/i18n/", "/static/", "/healthz", "/metrics", "/api/")


class TwoFactorMiddleware:
    """Administrators and supervisors signed in with a password only are sent to enter (or set up)
    their TOTP code before any page. The API refuses such sessions itself (lakthan.api.auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.LAKTHAN_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(TWO_FACTOR_OPEN)
            and not user.is_verified()
            and roles.needs_two_factor(user)
        ):
            return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unmatched"
        metrics.observe(request.method, view, response.status_code, time.perf_counter() - started)
        return response
