"""Items 4 and 8: probes of the agency's services and websites (HTTP(S) with expected status and text,
TCP, TLS certificate days left), their results and the incidents opened and closed from them; the
checks of each website (content age, the standard's checklist, accessibility with axe-core); and,
read from the inventory and the usage logs, which systems are really used at which units."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from lakthan.core.models import Unit
from lakthan.inventory.models import System


class Probe(models.Model):
    class Kind(models.TextChoices):
        HTTP = "http", "HTTP(S)"
        TCP = "tcp", "TCP"

    name = models.CharField(max_length=80, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="probes")
    system = models.ForeignKey(
        System, null=True, blank=True, on_delete=models.SET_NULL, related_name="probes"
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    url = models.CharField(max_length=2000, blank=True)  # http: the URL asked for
    expect_status = models.PositiveSmallIntegerField(default=200)
    expect_text = models.CharField(max_length=500, blank=True)  # must appear in the body
    host = models.CharField(max_length=255, blank=True)  # tcp: host and port
    port = models.PositiveIntegerField(null=True, blank=True)
    ca_file = models.CharField(max_length=1000, blank=True)  # PEM of an internal CA, for https
    every_s = models.PositiveIntegerField(default=300, validators=[MinValueValidator(10)])
    timeout_s = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1)])
    website = models.BooleanField(default=False)  # a public website of the agency or a unit (item 8)
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "name"]

    def __str__(self) -> str:
        return self.name


class ProbeResult(models.Model):
    """One probe run. A result holds until the next one (availability is time-weighted on them)."""

    probe = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="results")
    at = models.DateTimeField()
    up = models.BooleanField()
    detail = models.CharField(
        max_length=500, blank=True
    )  # why down, in English, e.g. "status 503, expected 200"
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    tls_expires = models.DateTimeField(null=True, blank=True)
    tls_days_left = models.IntegerField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)  # the body, for content age
    last_modified = models.DateTimeField(null=True, blank=True)  # the Last-Modified header
    etag = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["probe", "at"]
        constraints = [models.UniqueConstraint(fields=["probe", "at"], name="probe_result_unique")]


class Incident(models.Model):
    """Opened by the first result down after one up (or the first result, down), closed by the next
    result up."""

    probe = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="incidents")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)  # the detail of the result that opened it

    class Meta:
        ordering = ["-opened_at"]


class SiteCheck(models.Model):
    """One check of a website's home page (the probe's URL): when its content last changed, the
    checklist of the government website standard, and axe-core's accessibility violations."""

    probe = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="site_checks")
    at = models.DateTimeField()
    content_changed_at = models.DateTimeField(null=True, blank=True)
    content_source = models.CharField(max_length=20, blank=True)  # last-modified | etag | page-hash
    checklist = models.JSONField(default=dict)  # {item id: {"found": bool, "where": href or text}}
    checklist_version = models.CharField(max_length=80, blank=True)
    a11y = models.JSONField(
        null=True, blank=True
    )  # {"critical": n, "serious": n, "moderate": n, "minor": n, "rules": [...]}
    a11y_engine = models.CharField(max_length=80, blank=True)  # e.g. "axe-core 4.10.2"
    error = models.CharField(max_length=500, blank=True)  # why a part could not be checked

    class Meta:
        ordering = ["probe", "-at"]
