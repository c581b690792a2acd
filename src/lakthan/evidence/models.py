"""Evidence register: items, immutable revisions over content-addressed blobs, links to criteria."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Unit
from lakthan.indicators.models import Criterion, IndicatorReport


class Blob(models.Model):
    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)


class Evidence(models.Model):
    class Kind(models.TextChoices):
        ORDER = "order", _("คำสั่ง")
        MINUTES = "minutes", _("รายงานการประชุม")
        PHOTO = "photo", _("ภาพถ่าย")
        SCREENSHOT = "screenshot", _("ภาพหน้าจอ")
        MANUAL = "manual", _("คู่มือ")
        PLAN = "plan", _("แผน")
        STATISTICS = "statistics", _("สถิติ")
        FORM = "form", _("แบบฟอร์ม")
        LETTER = "letter", _("หนังสือ")
        SYSTEM = "system", _("สร้างโดยระบบ")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="evidence")
    title = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    doc_no = models.CharField(_("เลขที่หนังสือ"), max_length=120, blank=True)
    doc_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    issuing_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=255, blank=True)
    check_run = models.ForeignKey(
        "checks.CheckRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="artefacts"
    )
    # for system-generated evidence: what produces it ("<check urn>|<report id>|<period>|<artefact>"),
    # so a later run of the same check adds a revision instead of a second piece of evidence
    source_key = models.CharField(max_length=400, blank=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> EvidenceRevision | None:
        return self.revisions.order_by("-number").first()


class EvidenceRevision(models.Model):
    """Immutable: a new file or link is a new revision; rows are never updated."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    blob = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT)
    url = models.URLField(max_length=1000, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["evidence", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidence_revision_unique"),
            models.CheckConstraint(
                condition=models.Q(blob__isnull=False) | ~models.Q(url=""), name="revision_has_file_or_link"
            ),
        ]


class EvidenceLink(models.Model):
    """Evidence supporting one criterion of one indicator report (a unit's round)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="links")
    report = models.ForeignKey(IndicatorReport, on_delete=models.CASCADE, related_name="evidence_links")
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "report", "criterion"], name="evidence_link_unique")
        ]
