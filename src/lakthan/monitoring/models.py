"""Item 2: hosts, sealed segments and checkpoints (an index of the store on disk), coverage per host and
day, Sigma rules, alerts with their disposition, retention and legal holds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.Model):
    index = models.PositiveIntegerField(unique=True)
    count = models.PositiveIntegerField()
    root = models.CharField(max_length=64)
    file_sha256 = models.CharField(max_length=64)
    first_ts = models.DateTimeField()
    last_ts = models.DateTimeField()
    sealed_at = models.DateTimeField()
    pruned_at = models.DateTimeField(null=True, blank=True)
    prune_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["index"]


class Checkpoint(models.Model):
    size = models.PositiveIntegerField(unique=True)
    root = models.CharField(max_length=64)
    origin = models.CharField(max_length=255)
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["size"]


class HostDay(models.Model):
    """Events per sending host and day (Asia/Bangkok): the coverage evidence, kept after pruning."""

    # no index of its own: hostday_unique's (host_name, day) serves lookups by host, and a second
    # index cost each seal a third more time writing host-days
    host_name = models.CharField(max_length=255)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    unparsed = models.PositiveIntegerField(default=0)
    first_ts = models.DateTimeField()
    last_ts = models.DateTimeField()
    seq_gaps = models.PositiveIntegerField(default=0)  # RFC 5424 sequenceId numbers missing

    class Meta:
        ordering = ["host_name", "day"]
        constraints = [models.UniqueConstraint(fields=["host_name", "day"], name="hostday_unique")]


class Rule(models.Model):
    """An imported Sigma rule (the bundled rules are read from monitoring/rules/ directly)."""

    rule_id = models.CharField(max_length=120, unique=True)
    title = models.CharField(max_length=500)
    level = models.CharField(max_length=20, blank=True)
    filename = models.CharField(max_length=500)
    text = models.TextField()
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]


class Hunt(models.Model):
    """A retro-hunt: Sigma rules run over the sealed events of a past period (`logs hunt`), on this
    machine or on Spark. Its alerts are recorded like detection's, each new one marked with the hunt."""

    class Engine(models.TextChoices):
        LOCAL = "local", _("This machine")
        SPARK = "spark", "Apache Spark"

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    rules = models.JSONField(default=list)  # [{"rule_id", "title", "level", "file"}] the rules run
    rules_sha256 = models.CharField(max_length=64)  # of the rules' texts, in file order
    start = models.DateTimeField(null=True, blank=True)  # the period hunted; None: from the first event
    end = models.DateTimeField(null=True, blank=True)  # None: to the last
    engine = models.CharField(max_length=10, choices=Engine.choices, default=Engine.LOCAL)
    master = models.CharField(max_length=255, blank=True)  # Spark's master URL
    segments_url = models.CharField(max_length=1000, blank=True)  # where the cluster read the segments
    segments = models.PositiveIntegerField(default=0)
    alerts = models.PositiveIntegerField(default=0)
    new_alerts = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(blank=True)
    started_by = models.CharField(max_length=150)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class Alert(models.Model):
    class Disposition(models.TextChoices):
        OPEN = "open", _("Awaiting review")
        TRUE_POSITIVE = "true_positive", _("True positive")
        FALSE_POSITIVE = "false_positive", _("False positive")

    rule_id = models.CharField(max_length=120)
    rule_title = models.CharField(max_length=500)
    level = models.CharField(max_length=20)
    host = models.CharField(max_length=255)
    count = models.PositiveIntegerField()
    first = models.DateTimeField()
    last = models.DateTimeField()
    events = models.JSONField(default=list)
    events_truncated = models.BooleanField(default=False)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, default=Disposition.OPEN)
    note = models.TextField(blank=True)
    reviewed_by = models.CharField(max_length=255, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(auto_now=True)
    # the retro-hunt that first found it; None: found by detection as events were sealed
    hunt = models.ForeignKey(Hunt, null=True, blank=True, on_delete=models.PROTECT, related_name="found")

    class Meta:
        ordering = ["-first", "rule_title"]
        constraints = [models.UniqueConstraint(fields=["rule_id", "host", "first"], name="alert_unique")]


class Retention(models.Model):
    """How long events are kept: one row per host name, or the default (blank host)."""

    host_name = models.CharField(max_length=255, blank=True, unique=True)
    days = models.PositiveIntegerField()

    class Meta:
        ordering = ["host_name"]


class LegalHold(models.Model):
    """An officer's order to keep traffic data longer (Computer Crime Act B.E. 2550 s.26: up to 2 years)."""

    order_ref = models.CharField(max_length=255)
    host_name = models.CharField(max_length=255, blank=True)  # blank: every host
    until = models.DateField()
    created_by = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-until"]


class SeqState(models.Model):
    """The highest RFC 5424 sequence id seen from a host over the indexed segments: written in the same
    transaction as the segment's host-days, so a rollback cannot leave it ahead of them."""

    host_name = models.CharField(max_length=255, unique=True)
    last_seq = models.BigIntegerField()

    class Meta:
        ordering = ["host_name"]


class LogSource(models.Model):
    """A log file on this machine that the worker reads every minute, from where it was left (the
    offsets `logs ingest` keeps): a host's file shipped to a share, a web server's access log."""

    class Format(models.TextChoices):
        AUTO = "auto", _("Recognised from each line")
        SYSLOG = "syslog", "syslog (RFC 3164 / 5424)"
        AUTH = "auth", "auth.log"
        NGINX = "nginx", "nginx access log"
        APACHE = "apache", "Apache access log"
        JSONL = "jsonl", _("JSON lines")

    path = models.CharField(max_length=1000, unique=True)
    host_name = models.CharField(max_length=255, blank=True)  # for lines that name no host (web logs)
    fmt = models.CharField(max_length=10, choices=Format.choices, default=Format.AUTO)
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_events = models.PositiveIntegerField(default=0)  # events the last reading found
    last_error_th = models.TextField(blank=True)
    last_error_en = models.TextField(blank=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path
