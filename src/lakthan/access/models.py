"""Item 10: identity sources of the inventory's systems, their accounts and groups with history, the HR
roster (people by employee id, with every imported state kept) and the remediations applied."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit


class IdentitySource(models.Model):
    """Where the accounts of one system of the inventory are read: a directory (LDAP / AD) or an
    export of an application's own user table (CSV)."""

    class Kind(models.TextChoices):
        LDAP = "ldap", _("LDAP directory")
        CSV = "csv", _("CSV export of an application's users")

    name = models.CharField(max_length=80, unique=True)
    system = models.ForeignKey("inventory.System", on_delete=models.PROTECT, related_name="identity_sources")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    url = models.CharField(max_length=500, blank=True)  # ldap://host:port or ldaps://…
    bind_dn = models.CharField(max_length=500, blank=True)
    password_file = models.CharField(max_length=500, blank=True)  # the password itself is never stored
    base_dn = models.CharField(max_length=500, blank=True)
    user_filter = models.CharField(max_length=500, default="(|(objectClass=inetOrgPerson)(objectClass=user))")
    group_filter = models.CharField(
        max_length=500,
        default="(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))",
    )
    employee_id_attribute = models.CharField(max_length=80, default="employeeNumber")
    csv_path = models.CharField(max_length=500, blank=True)
    may_write = models.BooleanField(default=False)  # remediation may change the directory
    last_sync_at = models.DateTimeField(null=True, blank=True)
    tracks_login = models.BooleanField(
        default=False
    )  # the last sync saw login times (else: not judged dormant)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SyncRun(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(IdentitySource, on_delete=models.CASCADE, related_name="syncs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices)
    accounts_seen = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    gone = models.PositiveIntegerField(default=0)
    groups_seen = models.PositiveIntegerField(default=0)
    memberships_added = models.PositiveIntegerField(default=0)
    memberships_ended = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    full = models.BooleanField(default=True)  # read every entry (else only the changed ones)

    class Meta:
        ordering = ["-started_at", "-pk"]


class Employee(models.Model):
    """A person of the HR roster, known by their employee id; the current state of the last import
    that named them. Every state ever imported is an EmployeeRecord."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TRANSFERRED = "transferred", _("Transferred")
        SUSPENDED = "suspended", _("Suspended")
        RESIGNED = "resigned", _("Resigned")
        RETIRED = "retired", _("Retired")
        DISMISSED = "dismissed", _("Dismissed")
        DECEASED = "deceased", _("Deceased")

    employee_id = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=60, blank=True)
    first_name = models.CharField(max_length=120)
    last_name = models.CharField(max_length=120)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    effective_date = models.DateField()
    person = models.OneToOneField(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["employee_id"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.display_name}"

    @property
    def display_name(self) -> str:
        return f"{self.title}{self.first_name}  {self.last_name}".strip()


class RosterImport(models.Model):
    at = models.DateTimeField()
    actor = models.CharField(max_length=255)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]


class EmployeeRecord(models.Model):
    """One imported state of a person (written when it differs from the state before)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="records")
    roster_import = models.ForeignKey(RosterImport, on_delete=models.PROTECT, related_name="records")
    title = models.CharField(max_length=60, blank=True)
    first_name = models.CharField(max_length=120)
    last_name = models.CharField(max_length=120)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=Employee.Status.choices)
    effective_date = models.DateField()

    class Meta:
        ordering = ["employee", "roster_import__at", "pk"]


class Account(models.Model):
    """An account of a source. Never deleted: one that vanished from the source is marked gone."""

    source = models.ForeignKey(IdentitySource, on_delete=models.CASCADE, related_name="accounts")
    key = models.CharField(max_length=500)  # the DN (normalised) or the application's user name
    username = models.CharField(max_length=255)
    dn = models.CharField(max_length=500, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    employee_id = models.CharField(max_length=60, blank=True)  # as the source says
    disabled = models.BooleanField(default=False)
    last_login_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    created_in_source_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField()
    gone_at = models.DateTimeField(null=True, blank=True)  # absent from the source since
    disabled_seen_at = models.DateTimeField(null=True, blank=True)  # first seen (or made) disabled
    # a person linked by hand overrides the employee id; a service account has an owner instead
    linked_employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="linked_accounts"
    )
    is_service = models.BooleanField(default=False)
    owner = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["source", "username"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="access_account_unique")]

    def __str__(self) -> str:
        return f"{self.source.name}:{self.username}"


class AccountChange(models.Model):
    """The history of an account: what each sync (or remediation) saw change."""

    class Kind(models.TextChoices):
        APPEARED = "appeared", _("Appeared")
        CHANGED = "changed", _("Changed")
        GONE = "gone", _("Gone")
        RETURNED = "returned", _("Returned")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="changes")
    sync = models.ForeignKey(SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]


class Group(models.Model):
    source = models.ForeignKey(IdentitySource, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(max_length=500)
    name = models.CharField(max_length=255)
    dn = models.CharField(max_length=500, blank=True)
    first_seen_at = models.DateTimeField()
    gone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source", "name"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="access_group_unique")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An account's membership of a group from ``since`` to ``until`` (open while it holds)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "group"],
                condition=models.Q(until__isnull=True),
                name="access_membership_open",
            )
        ]


class Remediation(models.Model):
    """A leaver's account disabled (in the directory, read back) or, where Lakthan may not write, a
    task with a deadline. ``days`` is the HR effective date to the disable: the evidence item 10 asks."""

    class Outcome(models.TextChoices):
        DISABLED = "disabled", _("Disabled in the source")
        TASK = "task", _("Task opened (the source may not be written)")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="remediations")
    employee = models.ForeignKey(Employee, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    as_of = models.DateField()
    actor = models.CharField(max_length=255)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    leaver_since = models.DateField()
    days = models.IntegerField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
