"""API tokens: issued with a name, a scope and an expiry, kept as a hash, checked on every API call,
revoked by their owner or an administrator. Every issue and revocation is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from lakthan.core import audit
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.models import ApiToken

KEY_PREFIX = "lkt_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
# last_used_at is written at most once a minute per token: a busy client must not turn every read
# into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(LakthanError):
    """The key is unknown, expired, or its user may no longer sign in (the API answers 401)."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(
    user, name: str, scope: str = ApiToken.Scope.READ, days: int = DEFAULT_DAYS, *, actor: str
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key, which is not stored and cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("ตั้งชื่อโทเค็น (ไม่เกิน 100 อักษร)", "give the token a name (at most 100 characters)")
    if scope not in ApiToken.Scope.values:
        raise InvalidInput("ขอบเขตต้องเป็น read หรือ write", "the scope must be read or write")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            f"อายุโทเค็นต้องอยู่ระหว่าง 1 ถึง {MAX_DAYS} วัน",
            f"a token lasts between 1 and {MAX_DAYS} days",
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_hash=hash_key(key),
            prefix=key[:8],
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(actor, "api_token.create", token)
    return token, key


def revoke(token: ApiToken, *, actor: str) -> None:
    with transaction.atomic():
        audit.record(actor, "api_token.revoke", token, before=audit.snapshot(token), after=None)
        token.delete()


def check(key: str) -> ApiToken:
    """The token of ``key`` if it may be used now; its last use is recorded."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.user.is_active:
        raise TokenRefused("โทเค็นไม่ถูกต้อง", "invalid token")
    now = timezone.now()
    if token.expires_at <= now:
        day = timezone.localtime(token.expires_at).date().isoformat()
        raise TokenRefused(
            f"โทเค็น '{token.name}' หมดอายุแล้วเมื่อ {day}: สร้างโทเค็นใหม่ที่หน้าบัญชีของฉัน",
            f"the token '{token.name}' expired on {day}: create a new one on your account page",
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
