"""Every evidence pack the server issued: which report, which bytes, who, when, signed with which key."""

from __future__ import annotations

from django.db import models

from lakthan.indicators.models import IndicatorReport


class IssuedPack(models.Model):
    report = models.ForeignKey(IndicatorReport, on_delete=models.PROTECT, related_name="issued_packs")
    sha256 = models.CharField(max_length=64)  # of the zip
    manifest_sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    filename = models.CharField(max_length=255)
    key_fingerprint = models.CharField(max_length=100)  # SHA-256 of the raw Ed25519 public key, hex
    report_signed = models.BooleanField()
    pinned_sha256 = models.CharField(max_length=64, blank=True)
    issued_by = models.CharField(max_length=255)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.sha256[:12]}"
