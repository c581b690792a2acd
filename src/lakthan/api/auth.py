"""API authentication: tokens, and browser sessions only once their second factor is verified."""

from __future__ import annotations

from django.conf import settings
from rest_framework.authentication import SessionAuthentication

from lakthan.core import roles


class VerifiedSessionAuthentication(SessionAuthentication):
    """A session counts for the API only if the user needs no second factor or has verified it;
    otherwise a password alone would open the API to an administrator's or supervisor's account."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.LAKTHAN_REQUIRE_2FA and roles.needs_two_factor(user):
            verified = getattr(request._request.user, "is_verified", lambda: False)
            if not verified():
                return None
        return result


try:  # the schema names the session scheme for this class as for DRF's own
    from drf_spectacular.authentication import SessionScheme

    class VerifiedSessionScheme(SessionScheme):
        target_class = "lakthan.api.auth.VerifiedSessionAuthentication"
        name = "cookieAuth"
except ImportError:  # pragma: no cover
    pass
