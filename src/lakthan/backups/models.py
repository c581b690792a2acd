"""Item 1: information systems, their backup policy, runs, snapshots, verifications, restore tests, alerts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupSystem(models.Model):
    """The backup policy of one information system of the inventory. What the system is (its names,
    unit, owner, class, criticality) lives on ``system``; ``name`` is the system's code when the
    backup was set up and names the restic repository and key file."""

    class Source(models.TextChoices):
        PATHS = "paths", _("Directories")
        POSTGRES = "postgres", _("PostgreSQL database (pg_dump)")
        SQLITE = "sqlite", _("SQLite file (online backup)")
        LAKTHAN = "lakthan", _("Lakthan itself (database and evidence store)")

    class Window(models.TextChoices):
        ISO_WEEK = "iso_week", _("ISO week")
        MONTH = "month", _("Calendar month")
        DAY = "day", _("Day")

    system = models.OneToOneField("inventory.System", on_delete=models.PROTECT, related_name="backup")
    name = models.CharField(max_length=80, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    paths = models.JSONField(default=list, blank=True)
    postgres_dsn = models.TextField(blank=True)  # may hold a password: never shown or logged
    sqlite_path = models.CharField(max_length=500, blank=True)
    repository = models.CharField(max_length=500)
    password_file = models.CharField(max_length=500)
    # a per-system policy that overrides the class default, with its reason
    min_per_window = models.PositiveSmallIntegerField(null=True, blank=True)
    window = models.CharField(max_length=10, choices=Window.choices, blank=True)
    override_reason = models.TextField(blank=True)
    keep_daily = models.PositiveSmallIntegerField(default=14)
    keep_weekly = models.PositiveSmallIntegerField(default=8)
    keep_monthly = models.PositiveSmallIntegerField(default=24)
    in_service_from = models.DateField()
    verify_parts = models.PositiveSmallIntegerField(default=10)  # N of --read-data-subset n/N
    verify_next = models.PositiveSmallIntegerField(default=1)
    verify_cycle = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["system__unit__code", "name"]

    def __str__(self) -> str:
        return self.name


class Snapshot(models.Model):
    """A snapshot that exists (or existed) in the system's repository: what compliance counts."""

    system = models.ForeignKey(BackupSystem, on_delete=models.CASCADE, related_name="snapshots")
    snapshot_id = models.CharField(max_length=64)
    time = models.DateTimeField(db_index=True)
    hostname = models.CharField(max_length=255, blank=True)
    paths = models.JSONField(default=list)
    tags = models.JSONField(default=list)
    origin = models.CharField(max_length=10, default="run")  # run | import | sync
    forgotten = models.BooleanField(default=False)  # removed later by retention; it did exist

    class Meta:
        ordering = ["time"]
        constraints = [
            models.UniqueConstraint(fields=["system", "snapshot_id"], name="backup_snapshot_unique")
        ]


class BackupRun(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("Succeeded")
        PARTIAL = "partial", _("Some files unreadable")
        FAILED = "failed", _("Failed")
        RUNNING = "running", _("Running")

    system = models.ForeignKey(BackupSystem, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, default="cli")  # schedule | cli | web | demo
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    exit_code = models.IntegerField(null=True, blank=True)
    restic_version = models.CharField(max_length=20, blank=True)
    snapshot_id = models.CharField(max_length=64, blank=True)
    snapshot_visible = models.BooleanField(default=False)
    files_new = models.PositiveIntegerField(default=0)
    files_changed = models.PositiveIntegerField(default=0)
    files_processed = models.PositiveIntegerField(default=0)
    bytes_processed = models.BigIntegerField(default=0)
    bytes_added = models.BigIntegerField(default=0)
    duration = models.FloatField(default=0)
    warnings = models.JSONField(default=list)  # [{"path", "error"}] for exit 3
    error = models.TextField(blank=True)
    # "<host>:<pid>" of the process running it: a run still "running" whose process is gone was killed
    worker = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    @property
    def successful(self) -> bool:
        return self.status == self.Status.OK


class Verification(models.Model):
    system = models.ForeignKey(BackupSystem, on_delete=models.CASCADE, related_name="verifications")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    subset = models.CharField(max_length=20)  # "3/10"
    cycle = models.PositiveIntegerField(default=1)
    ok = models.BooleanField()
    exit_code = models.IntegerField()
    restic_version = models.CharField(max_length=20, blank=True)
    packs_total = models.PositiveIntegerField(default=0)
    coverage = models.FloatField(default=0)  # share of the repository read in this cycle so far (0–1)
    errors = models.JSONField(default=list)
    trigger = models.CharField(max_length=10, default="cli")

    class Meta:
        ordering = ["-started_at", "-pk"]


class RestoreTest(models.Model):
    system = models.ForeignKey(BackupSystem, on_delete=models.CASCADE, related_name="restore_tests")
    snapshot_id = models.CharField(max_length=64, blank=True)
    snapshot_time = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    files_expected = models.PositiveIntegerField(default=0)
    files_restored = models.PositiveIntegerField(default=0)
    files_hashed = models.PositiveIntegerField(default=0)
    files_compared_to_source = models.PositiveIntegerField(default=0)
    bytes_restored = models.BigIntegerField(default=0)
    sampled = models.BooleanField(default=False)
    restore_seconds = models.FloatField(default=0)  # the measured time to recover
    mismatches = models.JSONField(default=list)
    error = models.TextField(blank=True)
    trigger = models.CharField(max_length=10, default="cli")

    class Meta:
        ordering = ["-started_at", "-pk"]


class Alert(models.Model):
    system = models.ForeignKey(BackupSystem, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20)  # run_failed | verify_failed | restore_failed | window_at_risk
    key = models.CharField(max_length=120)  # de-duplication: one alert per kind and window/run
    message_th = models.TextField()
    message_en = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)
    webhook_sent = models.BooleanField(default=False)
    delivery_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["system", "kind", "key"], name="backup_alert_unique")]
