"""The second factor's life: recovery codes (made at enrolment, one-time, kept hashed), an
administrator's reset of a lost device, and the audit of a user's own password change."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakthan.core import audit
from lakthan.core.models import RecoveryCode, RecoveryCodeDevice

CODE_COUNT = 10
# 16 characters of a 31-character alphabet: 79 random bits, so a plain SHA-256 of the code is safe to
# keep (nothing to guess from the hash) and typing one is not a chore. No 0/o, 1/l/i to misread.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 16


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def looks_like_recovery_code(text: str) -> bool:
    return len(_normalise(text)) == CODE_LENGTH


def new_recovery_codes(user, *, actor: str) -> list[str]:
    """Ten new codes for ``user``, replacing any left; returned once, kept only as hashes."""
    codes = [
        _format("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))) for _ in range(CODE_COUNT)
    ]
    with transaction.atomic():
        device, _created = RecoveryCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "recovery codes", "confirmed": True}
        )
        replaced = device.codes.count()
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=_hash(c)) for c in codes)
        audit.record_event(
            actor,
            "two_factor.recovery_codes",
            "auth.user",
            user.pk,
            {"user": user.get_username(), "codes": CODE_COUNT, "replaced": replaced},
        )
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


def use_recovery_code(device: RecoveryCodeDevice, code: str) -> bool:
    """True once per code: the row is deleted in the same statement that finds it."""
    if not looks_like_recovery_code(code):
        return False
    with transaction.atomic():
        used, _ = RecoveryCode.objects.filter(device=device, code_hash=_hash(code)).delete()
        if used:
            audit.record_event(
                device.user.get_username(),
                "two_factor.recovery_code_used",
                "auth.user",
                device.user_id,
                {"left": device.codes.count()},
            )
    return bool(used)


def reset(user, *, actor: str) -> int:
    """A lost device: the user's authenticator and recovery codes are removed, so that the next
    sign-in enrols a new authenticator. Returns how many devices were removed."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice, RecoveryCodeDevice):
            removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
        audit.record_event(
            actor,
            "two_factor.admin_reset",
            "auth.user",
            user.pk,
            {"user": user.get_username(), "devices_removed": removed},
        )
    return removed


def record_password_change(user, *, actor: str) -> None:
    audit.record_event(actor, "user.password_change", "auth.user", user.pk, {"user": user.get_username()})
