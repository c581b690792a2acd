"""Indicator library (loaded from YAML), agreements, rounds, per-indicator round reports and results."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit


class Library(models.Model):
    """A library by URN; its indicators and criteria are those of its current version (the newest
    loaded). Every loaded version is kept as a LibraryVersion; signed reports pin the one they used."""

    class Origin(models.TextChoices):
        BUNDLED = "bundled", _("มากับโปรแกรม")
        AGENCY = "agency", _("ของหน่วยงาน")

    urn = models.CharField(max_length=200, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    version = models.CharField(max_length=40)
    source_file = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)
    # B.E. year the library's indicators belong to (from the file, else the URN's last 25xx part)
    fiscal_year = models.PositiveIntegerField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.AGENCY)
    # a library replaced by another (`library load --replace URN`) no longer defines its codes
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced"
    )

    class Meta:
        verbose_name_plural = "libraries"

    def __str__(self) -> str:
        return self.urn


class LibraryVersion(models.Model):
    """One load of a library file, kept whole: what a signed report pinned can always be shown."""

    library = models.ForeignKey(Library, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()  # 1, 2, … per library
    version = models.CharField(max_length=40)  # the file's own version label
    source_file = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    origin = models.CharField(max_length=10, choices=Library.Origin.choices)
    content = models.TextField()  # the YAML as loaded
    loaded_at = models.DateTimeField()
    loaded_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["library", "number"]
        constraints = [models.UniqueConstraint(fields=["library", "number"], name="library_version_unique")]

    def __str__(self) -> str:
        return f"{self.library.urn} v{self.number} ({self.version})"


class Indicator(models.Model):
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="indicators")
    urn = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name_th = models.CharField(max_length=500)
    name_en = models.CharField(max_length=500, blank=True)
    unit_th = models.CharField(_("หน่วยวัด"), max_length=60, blank=True)
    # {"kind": "count"|"milestone"|"linear", "thresholds": [...5 values], "direction": "higher"|"lower"}
    scheme = models.JSONField(null=True, blank=True)
    scoring_note_th = models.TextField(blank=True)
    scoring_note_en = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["library_id", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def is_scored(self) -> bool:
        return bool(self.scheme)


class Criterion(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="criteria")
    urn = models.CharField(max_length=200, unique=True)
    number = models.PositiveIntegerField()
    title_th = models.TextField()
    title_en = models.TextField(blank=True)
    explanation_th = models.JSONField(default=list)
    explanation_en = models.JSONField(default=list)
    # our own explanation (the library's guidance_*): shown on the web, never printed as the criterion
    guidance_th = models.JSONField(default=list, blank=True)
    guidance_en = models.JSONField(default=list, blank=True)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True
    )  # milestone schemes: level this step belongs to
    reconstructed = models.BooleanField(default=False)
    check_urns = models.JSONField(default=list)

    class Meta:
        ordering = ["indicator_id", "number"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="criterion_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}:{self.number} {self.title_th}"


class Agreement(models.Model):
    """A unit's performance agreement (คำรับรองการปฏิบัติราชการ) for one fiscal year (B.E.)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="agreements")
    fiscal_year = models.PositiveIntegerField()

    class Meta:
        ordering = ["-fiscal_year", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "fiscal_year"], name="agreement_unique")]

    def __str__(self) -> str:
        return f"{self.unit.code} FY{self.fiscal_year}"


class AgreementIndicator(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    weight = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "indicator"], name="agreement_line_unique")
        ]


class Round(models.Model):
    class Months(models.IntegerChoices):
        SIX = 6, _("รอบ ๖ เดือน")
        NINE = 9, _("รอบ ๙ เดือน")
        TWELVE = 12, _("รอบ ๑๒ เดือน")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="rounds")
    months = models.PositiveSmallIntegerField(choices=Months.choices)

    class Meta:
        ordering = ["agreement", "months"]
        constraints = [models.UniqueConstraint(fields=["agreement", "months"], name="round_unique")]

    def __str__(self) -> str:
        return f"{self.agreement} R{self.months}"


class Assignment(models.Model):
    """Who supervises, and who collects data for, an indicator in a unit and fiscal year."""

    class Role(models.TextChoices):
        SUPERVISOR = "supervisor", _("ผู้กำกับดูแลตัวชี้วัด")
        COLLECTOR = "collector", _("ผู้จัดเก็บข้อมูล")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="assignments")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE)
    fiscal_year = models.PositiveIntegerField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT)
    role = models.CharField(max_length=20, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator", "fiscal_year", "person", "role"], name="assignment_unique"
            )
        ]


class IndicatorReport(models.Model):
    """One indicator in one unit's round: the texts of the report form, the results, the sign-off."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reports")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    phone = models.CharField(max_length=120, blank=True)
    actions_taken = models.JSONField(default=list)  # list of paragraphs, numbered in the report
    supporting_factors = models.JSONField(default=list)
    obstacles = models.JSONField(default=list)
    suggestions = models.JSONField(default=list)
    measured_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    signed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    # What the signature covers, fixed at sign-off and cleared by a reopen: the library version, the
    # indicator's texts, thresholds and weight, every item's result and note, the report texts and the
    # exact revision (SHA-256) of every linked evidence file. A signed report renders only from this.
    pinned = models.JSONField(null=True, blank=True)
    pinned_sha256 = models.CharField(max_length=64, blank=True)
    library_version = models.ForeignKey(
        LibraryVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "indicator"], name="indicator_report_unique")]

    def __str__(self) -> str:
        return f"{self.round} {self.indicator.code}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class CriterionResult(models.Model):
    class Status(models.TextChoices):
        MET = "met", _("ผ่าน")
        NOT_MET = "not_met", _("ไม่ผ่าน")
        UNDECIDED = "undecided", _("ยังไม่พิจารณา")

    report = models.ForeignKey(IndicatorReport, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNDECIDED)
    proposed_status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNDECIDED)
    proposal_reason = models.TextField(blank=True)
    proposal_reason_en = models.TextField(blank=True)  # the same reason for the English UI
    note = models.TextField(blank=True)
    decided_by = models.CharField(max_length=255, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "criterion"], name="criterion_result_unique")
        ]


class SignOffEvent(models.Model):
    class Action(models.TextChoices):
        SIGN = "sign", _("ลงนามรับรอง")
        REOPEN = "reopen", _("เปิดแก้ไข")

    report = models.ForeignKey(IndicatorReport, on_delete=models.CASCADE, related_name="signoff_events")
    action = models.CharField(max_length=10, choices=Action.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    pinned_sha256 = models.CharField(max_length=64, blank=True)  # of the snapshot a signature covered

    class Meta:
        ordering = ["at", "pk"]
