"""Item 6: the problem log (a problem reported by a unit for a system, its severity, the person
responsible, the fix and the result), the service levels per severity in calendar or business hours,
the work calendar those hours are counted on (office hours and public holidays, loaded as data), and
the problem owners of each system named in work-assignment orders."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit
from lakthan.evidence.models import Evidence
from lakthan.inventory.models import System

SEVERITY = [MinValueValidator(1), MaxValueValidator(4)]  # 1 is the most severe


class WorkCalendar(models.Model):
    """One loaded calendar (the YAML as given, kept whole); the newest is in force."""

    name = models.CharField(max_length=80)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    office_start = models.TimeField()  # Asia/Bangkok wall-clock
    office_end = models.TimeField()
    workdays = models.CharField(max_length=20, default="0,1,2,3,4")  # Python weekdays, Monday = 0
    loaded_by = models.CharField(max_length=150)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]


class Holiday(models.Model):
    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField()
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="holiday_unique")]


class SlaTarget(models.Model):
    """The time to fix a problem of a severity; every setting is kept, a problem takes the one in force
    when it was reported."""

    severity = models.PositiveSmallIntegerField(validators=SEVERITY)
    hours = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    business_hours = models.BooleanField(default=False)  # counted in office hours on workdays
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["severity", "-set_at", "-pk"]


class ProblemOwner(models.Model):
    """The person responsible for solving the problems of a system (at a unit, or everywhere), named
    in a work-assignment order."""

    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="problem_owners")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["system__code", "unit__code", "since"]


class Problem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Fixed")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="problems")
    system = models.ForeignKey(
        System, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    severity = models.PositiveSmallIntegerField(validators=SEVERITY)
    title = models.CharField(max_length=500)
    detail = models.TextField(blank=True)
    reported_at = models.DateTimeField()
    reported_by = models.CharField(max_length=255, blank=True)  # who reported it, as written
    assignee = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    fix = models.TextField(blank=True)  # what was done
    result = models.TextField(blank=True)  # the outcome, as the unit confirmed it
    fixed_at = models.DateTimeField(null=True, blank=True)
    # the service level in force when it was reported, kept so a later setting does not rewrite it
    sla_hours = models.PositiveIntegerField(null=True, blank=True)
    sla_business_hours = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)  # "about to be breached" was sent
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["unit", "reported_at"], name="problem_unit_reported")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class ProblemUpdate(models.Model):
    """Every change of a problem in order: status, assignee, a note; the printed form shows them."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    status = models.CharField(max_length=12, choices=Problem.Status.choices)
    assignee = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["problem", "at", "pk"]
