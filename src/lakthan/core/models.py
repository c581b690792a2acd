"""Organisation: the unit tree, people, the audit trail, and the accounts' API tokens and recovery codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class Unit(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", _("กองบัญชาการ/สำนักงาน")
        DIVISION = "division", _("กองบังคับการ/กอง")
        SUBDIVISION = "subdivision", _("กองกำกับการ/ฝ่าย")
        CHECKPOINT = "checkpoint", _("ด่านตรวจ")

    code = models.CharField(max_length=40, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    abbreviation_th = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DIVISION)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # the head of the unit: approves its people's access requests and reviews their rights (item 10)
    head = models.ForeignKey("Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    def ancestors(self) -> list[Unit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def descendant_ids(self) -> set[int]:
        """This unit and every unit below it (one query per level; trees here are shallow)."""
        found, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in frontier if pk not in found]
            found.update(frontier)
        return found


class Person(models.Model):
    title_th = models.CharField(_("ยศ/คำนำหน้า"), max_length=60, blank=True)
    first_name_th = models.CharField(max_length=120)
    last_name_th = models.CharField(max_length=120)
    name_en = models.CharField(max_length=255, blank=True)
    position_th = models.CharField(max_length=255, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people")
    phone = models.CharField(max_length=80, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    class Meta:
        ordering = ["unit__code", "first_name_th"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        # Thai convention: rank/title is written joined to the first name, two spaces before the surname.
        return f"{self.title_th}{self.first_name_th}  {self.last_name_th}".strip()


class AuditEntry(models.Model):
    """Who changed what, when, with the state before and after. Written only by services."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=255)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"


class RoleGrant(models.Model):
    """A user's role in a unit; it covers the unit and every unit below it (see core/roles.py)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("ผู้ดูแลระบบ")
        SUPERVISOR = "supervisor", _("ผู้กำกับดูแลตัวชี้วัด")
        COLLECTOR = "collector", _("ผู้จัดเก็บข้อมูล")
        REVIEWER = "reviewer", _("ผู้ทบทวน")
        AUDITOR = "auditor", _("ผู้ตรวจประเมิน (อ่านอย่างเดียว)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "unit__code", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.unit.code}"


class BackgroundJob(models.Model):
    """Work a person started from a page that runs in the worker (huey): its progress and its result,
    so the page can show both. Any app may use it through lakthan.core.jobs; ``kind`` names the
    handler ("backup.run"), ``target`` what it acts on (a system's code), ``unit`` who may see it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=60)
    target = models.CharField(max_length=255, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    progress_th = models.CharField(max_length=255, blank=True)
    progress_en = models.CharField(max_length=255, blank=True)
    result_th = models.TextField(blank=True)
    result_en = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)  # figures for the page and the API
    # failed: the work did not succeed (a failed backup run) or could not be done (error_*)
    error_th = models.TextField(blank=True)
    error_en = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "target"], name="core_job_kind_target")]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} {self.state}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)


class ApiToken(models.Model):
    """A key for the API. Only its SHA-256 is kept: the key is shown once, when it is created.

    A fast hash suffices because keys are random (at least 160 bits): there is nothing to guess
    from a stolen hash, and the lookup is one indexed query per request."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("Name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="the key's first characters, to recognise it")
    scope = models.CharField(_("Scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("Expires"))
    last_used_at = models.DateTimeField(_("Last used"), null=True, blank=True)

    class Meta:
        ordering = ["user_id", "-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"


class RecoveryCodeDevice(Device):
    """A user's one-time recovery codes, as a django-otp device so that a code verifies the session
    as a TOTP code does. Unlike django-otp's StaticDevice it keeps only each code's SHA-256."""

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token) -> bool:
        from lakthan.core import two_factor

        return two_factor.use_recovery_code(self, str(token))


class RecoveryCode(models.Model):
    """One unused recovery code (its SHA-256); using it deletes the row, so it works once."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
