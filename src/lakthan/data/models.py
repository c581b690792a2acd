"""Item 5: the datasets kept in the agency's systems, how each one's last update is read (a query
through a DSN, a file's modification time, or a line of an import log), how often it is expected to be
updated, its quality rules, and the history of every reading and quality run."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from lakthan.core.models import Person, Unit
from lakthan.evidence.models import Evidence
from lakthan.inventory.models import System


class Dataset(models.Model):
    class Source(models.TextChoices):
        SQL = "sql", "SQL"
        FILE = "file", "file"
        IMPORT_LOG = "import_log", "import log"

    name = models.CharField(max_length=80, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="datasets")
    system = models.ForeignKey(
        System, null=True, blank=True, on_delete=models.SET_NULL, related_name="datasets"
    )
    # the data owner (item 6), named in a work-assignment order kept as evidence
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner_order = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    every_s = models.PositiveIntegerField(validators=[MinValueValidator(60)])  # expected update interval
    source = models.CharField(max_length=12, choices=Source.choices)
    # sql: a DSN (sqlite:///path, postgresql://…, mysql://…, oracle://…, mssql://…) or "env:NAME" to
    # read it from the environment, so that a password need not be stored; never shown with its password
    dsn = models.CharField(max_length=2000, blank=True)
    query = models.TextField(blank=True)  # sql: one row, one column: the time of the last update
    path = models.CharField(max_length=2000, blank=True)  # file or import log
    pattern = models.CharField(max_length=1000, blank=True)  # import log: a regex with a group named `at`
    tz = models.CharField(max_length=64, default="Asia/Bangkok")  # the zone of naive timestamps read
    timeout_s = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1)])
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "name"]

    def __str__(self) -> str:
        return self.name


class QualityRule(models.Model):
    """A check of a SQL dataset's content, run through the dataset's DSN."""

    class Kind(models.TextChoices):
        ROW_COUNT = "row_count", "row count in a range"
        NULL_RATE = "null_rate", "null rate of a column at most"
        ASSERTION = "assertion", "SQL assertion (rows returned are failures)"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="quality_rules")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    table = models.CharField(max_length=255, blank=True)  # row_count, null_rate
    column = models.CharField(max_length=255, blank=True)  # null_rate
    min_value = models.FloatField(null=True, blank=True)  # row_count: at least
    max_value = models.FloatField(null=True, blank=True)  # row_count: at most; null_rate: at most (0–1)
    query = models.TextField(blank=True)  # assertion: every row it returns is a failure
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="quality_rule_unique")]

    def __str__(self) -> str:
        return f"{self.dataset.name}/{self.name}"


class Reading(models.Model):
    """One reading of a dataset's last update, judged at the moment it was read."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="readings")
    at = models.DateTimeField()
    ok = models.BooleanField()  # the source answered
    last_update = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(null=True)  # at − last_update > every_s; None when the read failed
    late_by_s = models.BigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)  # why the read failed, never with a secret
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    notified = models.BooleanField(default=False)  # the owner was told (late or failed)

    class Meta:
        ordering = ["dataset", "at"]
        constraints = [models.UniqueConstraint(fields=["dataset", "at"], name="data_reading_unique")]


class QualityResult(models.Model):
    rule = models.ForeignKey(QualityRule, on_delete=models.CASCADE, related_name="results")
    at = models.DateTimeField()
    passed = models.BooleanField()
    value = models.FloatField(null=True, blank=True)  # the row count, the null rate, the failing rows
    error = models.CharField(max_length=500, blank=True)  # the query failed (passed is False)

    class Meta:
        ordering = ["rule", "at"]
