"""Item 7: the IT management and procurement committee — the order that appointed it (evidence), its
members and their roles, its meetings with attendance, agenda and minutes (evidence), and the
resolutions followed up to the end."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit
from lakthan.evidence.models import Evidence


class Committee(models.Model):
    name = models.CharField(max_length=255, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="committees")
    duties = models.TextField(blank=True)  # as the order states them
    order = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    appointed_on = models.DateField(null=True, blank=True)
    meetings_per_round = models.PositiveSmallIntegerField(default=1)  # fewer in a round is a finding
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Member and secretary")
        ASSISTANT_SECRETARY = "assistant_secretary", _("Member and assistant secretary")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    position = models.CharField(max_length=255, blank=True)  # the position the order names
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["committee", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "person", "role"], name="committee_member_unique")
        ]


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    number = models.CharField(max_length=40)  # as the minutes number it, e.g. "1/2556"
    held_at = models.DateTimeField()
    place = models.CharField(max_length=255, blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "held_at"]
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="meeting_unique")]


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(default=True)
    note = models.CharField(max_length=255, blank=True)  # e.g. on leave, sent a deputy

    class Meta:
        ordering = ["meeting", "member"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")]


class Resolution(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField()  # the agenda item
    text = models.TextField()
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # when it was done or dropped
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="resolution_unique")]
