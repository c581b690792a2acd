"""The inventory of the agency's information systems and the hosts that run them: the spine every
control app refers to (backups, logs, access, risks …). Each app keeps its own facts about a system;
none keeps its own list of systems."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit


class System(models.Model):
    class Klass(models.TextChoices):
        INTRANET = "intranet", _("Intranet")
        INTERNET = "internet", _("Internet")

    code = models.CharField(max_length=80, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="systems")
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    klass = models.CharField(max_length=10, choices=Klass.choices)
    criticality = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    # the units and checkpoints where the system is installed and meant to be used (item 4); a unit
    # whose hosts run the system counts as well (Host.systems)
    installed_at = models.ManyToManyField(Unit, blank=True, related_name="systems_installed")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(criticality__gte=1, criticality__lte=5),
                name="inventory_system_criticality",
            )
        ]

    def __str__(self) -> str:
        return self.code


class Host(models.Model):
    """A machine (or container, or appliance) with its addresses. Other apps add their own facts
    about a host (monitoring: the log sources it is expected to send) in their own tables."""

    name = models.CharField(max_length=255, unique=True)
    addresses = models.JSONField(default=list, blank=True)  # validated IP addresses, as strings
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="hosts")
    systems = models.ManyToManyField(System, blank=True, related_name="hosts")
    role = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "name"]

    def __str__(self) -> str:
        return self.name
