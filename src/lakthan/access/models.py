"""Item 10: identity sources of the inventory's systems, their accounts and groups with history, the HR
roster (people by employee id, with every imported state kept) and the remediations applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit


class IdentitySource(models.Model):
    """Where the accounts of one system of the inventory are read: a directory (LDAP / AD) or an
    export of an application's own user table (CSV)."""

    class Kind(models.TextChoices):
        LDAP = "ldap", _("LDAP directory")
        CSV = "csv", _("CSV export of an application's users")
        LAKTHAN = "lakthan", _("Lakthan's own users")

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
    # an administrators' group: a review campaign may cover only these (and LAKTHAN_ACCESS_PRIVILEGED_GROUPS)
    privileged = models.BooleanField(default=False)

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
    task with a deadline. ``days`` is the HR effective date to the disable: the evidence item 10 asks.
    A mover's membership of ``group`` removed after the grace period is one too (``leaver_since``
    then holds the day of the move)."""

    class Outcome(models.TextChoices):
        DISABLED = "disabled", _("Disabled in the source")
        REMOVED = "removed", _("Removed from the group in the source")
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
    group = models.CharField(max_length=255, blank=True)  # a mover's group; "" for a leaver's account

    class Meta:
        ordering = ["-at", "-pk"]


class LoginInLogs(models.Model):
    """The latest successful login of an account that the usage logs show (an sshd "Accepted …" line,
    a web sign-in…) on a host of the account's system: a second witness of use beside the source's own
    last-login time, for sources that keep none (Keycloak, most user tables)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="login_in_logs")
    at = models.DateTimeField()
    host = models.CharField(max_length=255)  # the sender the event names (host name or address)
    recorded_at = models.DateTimeField()


class LogLoginScan(models.Model):
    """One reading of the usage logs for logins (`lakthan access logins-from-logs`): from which time and
    which sealed segments, what was found. The next reading without --since starts at this one's ``at``."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=255)
    since = models.DateTimeField(null=True, blank=True)  # events from this time (None: all)
    sealed_since = models.DateTimeField(null=True, blank=True)  # segments sealed from this time
    logins = models.PositiveIntegerField(default=0)  # (host, user) pairs read from the logs
    matched = models.PositiveIntegerField(default=0)  # of which an account of the host's systems
    accounts_updated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]


class RoleCatalogue(models.Model):
    """One import of the catalogue of roles per duty, kept whole. The newest is in force; the older ones
    are its history (with their rules, so what was judged against can be shown later)."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=255)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    label = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.sha256[:12]}"


class RoleRule(models.Model):
    """The groups a position (the HR roster's text; "*" for every position), optionally in one unit and
    the units below it, should hold on a system."""

    catalogue = models.ForeignKey(RoleCatalogue, on_delete=models.CASCADE, related_name="rules")
    line = models.PositiveIntegerField()
    system = models.ForeignKey("inventory.System", on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=255)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    groups = models.JSONField(default=list)

    class Meta:
        ordering = ["catalogue", "system__code", "position", "line"]


class SodPair(models.Model):
    """Two groups of a system nobody may hold together (segregation of duties), and why."""

    catalogue = models.ForeignKey(RoleCatalogue, on_delete=models.CASCADE, related_name="sod_pairs")
    line = models.PositiveIntegerField()
    system = models.ForeignKey("inventory.System", on_delete=models.PROTECT, related_name="+")
    group_a = models.CharField(max_length=255)
    group_b = models.CharField(max_length=255)
    reason = models.TextField()

    class Meta:
        ordering = ["catalogue", "system__code", "line"]


# --- review campaigns (issue 17 point 8) ---------------------------------------------------------------


class ReviewCampaign(models.Model):
    """A review of the rights (open memberships) of a unit's systems at one moment, by the people's
    unit heads (or the system owners), each right kept or revoked before the due date."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed (every right decided)")
        CLOSED = "closed", _("Closed (the no-answer policy applied)")

    class NoAnswer(models.TextChoices):
        KEEP = "keep", _("Keep and flag")
        REVOKE = "revoke", _("Revoke")

    name = models.CharField(max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(
        "inventory.System", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    privileged_only = models.BooleanField(default=False)
    due = models.DateField()
    no_answer = models.CharField(max_length=8, choices=NoAnswer.choices)
    fallback = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    started_by = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ReviewItem(models.Model):
    """One right under review: an account's membership of a group as it stood at the campaign's start
    (names kept, so the report reads the same after the directory changes), its reviewer and decision."""

    class Decision(models.TextChoices):
        PENDING = "", _("Pending")
        KEEP = "keep", _("Keep")
        REVOKE = "revoke", _("Revoke")
        NO_ANSWER = "no_answer", _("No answer")

    class ReviewerRole(models.TextChoices):
        HEAD = "head", _("Unit head")
        OWNER = "owner", _("System owner")
        FALLBACK = "fallback", _("Fallback reviewer")

    class Removal(models.TextChoices):
        NONE = "", _("Nothing to remove")
        REMOVED = "removed", _("Removed in the directory")
        ALREADY_GONE = "already_gone", _("Already gone")
        TASK = "task", _("Task opened (the source may not be written)")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="items")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="review_items")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(  # the core person whose right this is (None: no person / not linked)
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account_name = models.CharField(max_length=500)  # source:username at the start
    group_name = models.CharField(max_length=255)
    system_code = models.CharField(max_length=80)
    person_name = models.CharField(max_length=255, blank=True)
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reviewer_role = models.CharField(max_length=10, choices=ReviewerRole.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    outcome = models.CharField(max_length=8, blank=True)  # keep | revoke: what happens to the right
    flagged = models.BooleanField(default=False)  # kept for want of an answer: look at it next time
    reduced = models.BooleanField(default=False)  # revoked as part of a reduction of the account's groups
    comment = models.TextField(blank=True)
    decided_by = models.CharField(max_length=255, blank=True)
    decided_by_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    removal = models.CharField(max_length=14, choices=Removal.choices, blank=True, default="")
    removal_at = models.DateTimeField(null=True, blank=True)
    removal_deadline = models.DateField(null=True, blank=True)
    removal_error = models.TextField(blank=True)

    class Meta:
        ordering = ["campaign", "account_name", "group_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "membership"], name="access_review_item_unique")
        ]


class ReviewNotice(models.Model):
    """A reminder (before the due date) or an escalation (after it) sent to a person, once each."""

    class Kind(models.TextChoices):
        REMIND = "remind", _("Reminder")
        ESCALATE = "escalate", _("Escalation")

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    pending = models.PositiveIntegerField()
    ok = models.BooleanField()
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person", "kind"],
                condition=models.Q(ok=True),
                name="access_review_notice_once",
            )
        ]


class AccessRequest(models.Model):
    """The account request form (แบบขอรหัสผู้ใช้งาน) as a record: a right asked for a person of the HR
    roster on a system of the inventory, approved by the person's unit head and the system's owner.

    States: pending → approved (both approved; a grant exists) → applied (in the directory, or marked
    applied by the administrator) → expired (``until`` passed, the right removed); or pending → rejected
    (one rejection with its comment is enough)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved, to be applied by the administrator")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="access_requests")
    system = models.ForeignKey("inventory.System", on_delete=models.PROTECT, related_name="access_requests")
    # the right: a group of one of the system's sources, or a role named in words (applied by hand)
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    role_name = models.CharField(max_length=255, blank=True)
    justification = models.TextField()
    until = models.DateField(null=True, blank=True)  # the last day the right holds (Bangkok); none: open
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(max_length=255)  # the actor as the audit trail names it
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)  # approved by both, or rejected

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__isnull=False) | ~models.Q(role_name=""),
                name="access_request_names_a_right",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.employee.employee_id} {self.system.code} {self.right_name}"

    @property
    def right_name(self) -> str:
        return self.group.name if self.group is not None else self.role_name


class AccessApproval(models.Model):
    """One approver's decision on a request. When the unit head is also the system's owner, their one
    decision is recorded twice (once per role, same person and time): it counts for both."""

    class Role(models.TextChoices):
        UNIT_HEAD = "unit_head", _("Head of the person's unit")
        OWNER = "owner", _("Owner of the system")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="approvals")
    role = models.CharField(max_length=10, choices=Role.choices)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    comment = models.TextField(blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=255)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "role"], name="access_approval_once_per_role")
        ]


class AccessGrant(models.Model):
    """The approved right with its expiry, and what was done about it: applied in the directory (the
    account added to the group, unlocked if it was locked, read back) or by the administrator's hand;
    at expiry removed from the directory or a task opened where Lakthan may not write."""

    class Applied(models.TextChoices):
        DIRECTORY = "directory", _("Applied in the directory")
        MANUAL = "manual", _("Applied by the administrator")

    class Expiry(models.TextChoices):
        REMOVED = "removed", _("Removed from the directory")
        TASK = "task", _("Task opened (the source may not be written)")
        NOTHING = "nothing", _("Nothing to remove (never applied)")

    request = models.OneToOneField(AccessRequest, on_delete=models.CASCADE, related_name="grant")
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="grants"
    )
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="grants")
    until = models.DateField(null=True, blank=True)
    granted_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_how = models.CharField(max_length=10, choices=Applied.choices, blank=True)
    applied_by = models.CharField(max_length=255, blank=True)
    unlocked = models.BooleanField(default=False)  # the account was locked and applying unlocked it
    apply_error = models.TextField(blank=True)  # the last attempt that failed (cleared once applied)
    expired_at = models.DateTimeField(null=True, blank=True)
    expiry = models.CharField(max_length=10, choices=Expiry.choices, blank=True)
    expiry_deadline = models.DateField(null=True, blank=True)  # of the task, where one was opened
    expiry_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
