"""Records of check runs; their artefacts are Evidence rows of kind 'system' pointing back here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Unit


class CheckRun(models.Model):
    class Status(models.TextChoices):
        MET = "met", _("ผ่าน")
        PARTLY = "partly", _("ผ่านบางส่วน")
        NOT_MET = "not_met", _("ไม่ผ่าน")
        NO_DATA = "no_data", _("ไม่มีข้อมูล")
        ERROR = "error", _("ผิดพลาด")

    check_urn = models.CharField(max_length=200, db_index=True)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="check_runs")
    report = models.ForeignKey(
        "indicators.IndicatorReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="check_runs",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    summary_th = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    figures = models.JSONField(default=dict)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    trigger = models.CharField(max_length=20, default="cli")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.check_urn} {self.unit.code} {self.status}"
