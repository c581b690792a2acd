"""Sign-ins, refused sign-ins and lockouts go into the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lakthan.core import audit


def _ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record_event(user.get_username(), "auth.login", "auth.user", user.pk, {"ip": _ip(request)})


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record_event(user.get_username(), "auth.logout", "auth.user", user.pk, {"ip": _ip(request)})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:150]
    audit.record_event(name or "anonymous", "auth.login_failed", "auth.user", name, {"ip": _ip(request)})


try:
    from axes.signals import user_locked_out

    @receiver(user_locked_out)
    def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
        audit.record_event(
            str(username or "anonymous")[:150],
            "auth.locked_out",
            "auth.user",
            username or "",
            {"ip": ip_address or ""},
        )
except ImportError:  # pragma: no cover
    pass
