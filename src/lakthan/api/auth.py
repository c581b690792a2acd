"""API authentication: hashed tokens with a scope and an expiry, and browser sessions only once their
second factor is verified."""

from __future__ import annotations

from django.conf import settings
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from lakthan.core import roles, tokens
from lakthan.core.models import ApiToken


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` as with DRF's tokens, checked against lakthan.core.tokens (the
    key's hash, its expiry, its user still active). request.auth is the ApiToken."""

    def authenticate_credentials(self, key):
        try:
            token = tokens.check(key)
        except tokens.TokenRefused as exc:
            raise AuthenticationFailed({"detail": exc.message_en, "detail_th": exc.message_th}) from None
        return token.user, token


class TokenScopeAllows(BasePermission):
    """A read-only token may only read: GET, HEAD and OPTIONS."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.scope == ApiToken.Scope.READ:
            if request.method not in SAFE_METHODS:
                raise PermissionDenied(
                    {
                        "detail": f"the token '{token.name}' is read-only: create a read-write token to make changes",
                        "detail_th": f"โทเค็น '{token.name}' อ่านได้อย่างเดียว: สร้างโทเค็นแบบอ่านและเขียนเพื่อแก้ไขข้อมูล",
                    }
                )
        return True


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
