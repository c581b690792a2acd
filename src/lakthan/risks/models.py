"""Item 3: the IT risk register (risks of a system or unit on a matrix defined as data, with every
change kept), continuity targets per system of the inventory, crisis scenarios, the continuity plan
approved per fiscal year, and drills and incidents with their recovery measured from the backups."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit


class RiskMatrix(models.Model):
    """One loaded matrix (the YAML as given, kept whole); the newest is in force. A risk keeps the
    matrix its levels were computed on."""

    name = models.CharField(max_length=80)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    loaded_by = models.CharField(max_length=150)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]


class Risk(models.Model):
    class Treatment(models.TextChoices):
        MITIGATE = "mitigate", _("Mitigate")
        ACCEPT = "accept", _("Accept")
        TRANSFER = "transfer", _("Transfer")
        AVOID = "avoid", _("Avoid")

    class TreatmentStatus(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    ref = models.CharField(max_length=40, unique=True)  # R-0001, or the agency's own number on import
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="risks")
    system = models.ForeignKey(
        "inventory.System", null=True, blank=True, on_delete=models.PROTECT, related_name="risks"
    )
    title = models.CharField(max_length=500)
    threat = models.TextField(blank=True)
    vulnerability = models.TextField(blank=True)
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="risks")
    likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    level = models.CharField(max_length=40)  # inherent level code on the matrix
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_level = models.CharField(max_length=40, blank=True)
    treatment = models.CharField(max_length=10, choices=Treatment.choices)
    treatment_plan = models.TextField(blank=True)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(null=True, blank=True)
    treatment_status = models.CharField(
        max_length=12, choices=TreatmentStatus.choices, default=TreatmentStatus.PLANNED
    )
    # acceptance of the (residual) risk by a person with the authority, until it must be looked at again
    accepted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    acceptance_expires = models.DateField(null=True, blank=True)
    acceptance_note = models.TextField(blank=True)
    closed = models.BooleanField(default=False)  # no longer a risk; kept with its history
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__code", "ref"]

    def __str__(self) -> str:
        return self.ref


class RiskRevision(models.Model):
    """Every state a risk had: the fields as they were after each change, who and why."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    actor = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["risk", "number"]
        constraints = [models.UniqueConstraint(fields=["risk", "number"], name="risks_revision_unique")]


class RiskImport(models.Model):
    """An XLSX register applied, kept with its digest."""

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    imported_by = models.CharField(max_length=150)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]


class ContinuityTarget(models.Model):
    """How fast a system of the inventory must be back (RTO), how much data it may lose (RPO), the
    longest it may be down before the damage cannot be borne (MTD), what it depends on and how work
    goes on by hand meanwhile."""

    system = models.OneToOneField("inventory.System", on_delete=models.PROTECT, related_name="continuity")
    rto_s = models.PositiveIntegerField()
    rpo_s = models.PositiveIntegerField()
    mtd_s = models.PositiveIntegerField(null=True, blank=True)
    depends_on = models.ManyToManyField("inventory.System", blank=True, related_name="+")
    manual_procedure = models.TextField(blank=True)
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["system__unit__code", "system__code"]


class Scenario(models.Model):
    class Kind(models.TextChoices):
        FIRE = "fire", _("Fire")
        FLOOD = "flood", _("Flood")
        EARTHQUAKE = "earthquake", _("Earthquake")
        POWER = "power", _("Power loss")
        CYBER = "cyber", _("Cyber-attack")
        SYSTEM_DOWN = "system-down", _("System down")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="continuity_scenarios")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=255, blank=True)  # blank: the kind's Thai name
    steps = models.JSONField(default=list)  # ["ขั้นตอน …", …] in order
    contacts = models.JSONField(default=list)  # [{"name", "role", "phone"}]
    alternate_site = models.TextField(blank=True)
    systems = models.ManyToManyField("inventory.System", blank=True, related_name="+")
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__code", "kind"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="risks_scenario_unique")]


class PlanApproval(models.Model):
    """The continuity plan of a unit for a fiscal year as approved: the documents generated at that
    moment, kept by digest in the evidence store (sealed), with who approved them."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="continuity_plans")
    fiscal_year = models.PositiveSmallIntegerField()  # B.E.
    version = models.PositiveSmallIntegerField()
    approved_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()
    docx_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["unit__code", "-fiscal_year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "fiscal_year", "version"], name="risks_plan_version_unique"
            )
        ]


class Drill(models.Model):
    """A continuity drill or a real incident. ``started`` and ``restored`` are instants (UTC stored)."""

    class Kind(models.TextChoices):
        DRILL = "drill", _("Drill")
        INCIDENT = "incident", _("Incident")

    class Origin(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        RESTORE_TEST = "restore_test", _("Backup restore test")
        ALERT = "alert", _("Escalated intrusion alert")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.DRILL)
    scenario = models.CharField(max_length=12, choices=Scenario.Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="drills")
    title = models.CharField(max_length=255, blank=True)
    detected = models.DateTimeField(null=True, blank=True)  # incidents: when it was noticed
    started = models.DateTimeField()
    contained = models.DateTimeField(null=True, blank=True)
    restored = models.DateTimeField(null=True, blank=True)  # null: an incident not yet recovered
    people = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    timeline = models.JSONField(default=list)  # [{"at": ISO-8601, "text"}] oldest first
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.RECORDED)
    restore_test = models.OneToOneField(
        "backups.RestoreTest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    alert = models.OneToOneField(
        "monitoring.Alert", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started", "pk"]


class DrillSystem(models.Model):
    """One system in a drill, with its recovery as measured when the drill was recorded (the targets
    and the newest backup before the start are kept as they were, so the evidence does not drift)."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="systems")
    system = models.ForeignKey("inventory.System", on_delete=models.PROTECT, related_name="+")
    restored = models.DateTimeField(null=True, blank=True)  # null: the drill's
    rto_s = models.PositiveIntegerField(null=True, blank=True)
    rpo_s = models.PositiveIntegerField(null=True, blank=True)
    last_backup_at = models.DateTimeField(null=True, blank=True)
    rto_target_s = models.PositiveIntegerField(null=True, blank=True)
    rpo_target_s = models.PositiveIntegerField(null=True, blank=True)
    rto_met = models.BooleanField(null=True)
    rpo_met = models.BooleanField(null=True)

    class Meta:
        ordering = ["drill", "system__code"]
        constraints = [models.UniqueConstraint(fields=["drill", "system"], name="risks_drill_system_unique")]
