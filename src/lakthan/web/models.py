"""Per-user notification preferences and the notifications already sent (so each goes out once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    by_email = models.BooleanField(_("Email"), default=True)
    webhook_url = models.URLField(_("Webhook URL (LINE or any chat)"), max_length=500, blank=True)
    evidence_expiring = models.BooleanField(_("Evidence about to expire"), default=True)
    expiry_days = models.PositiveSmallIntegerField(_("Days before expiry"), default=30)
    failing_control = models.BooleanField(_("A control check fails"), default=True)
    round_closing = models.BooleanField(_("A round is closing"), default=True)
    round_days = models.PositiveSmallIntegerField(_("Days before a round closes"), default=14)

    def __str__(self) -> str:
        return f"notifications of {self.user}"


class NotificationSent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField(default=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["user", "key", "channel"], name="notification_once")]
