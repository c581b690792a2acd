"""API of item 10: the accounts and identity sources of the caller's units (a source's sync started as a
background job needs DECIDE or MANAGE there), the findings as of a day, the HR roster's imports, the
catalogue of roles, and access requests (list, file, read; approve and reject from a verified browser
session only)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from lakthan.access.engines.findings import KINDS
from lakthan.access.models import (
    AccessRequest,
    Account,
    Employee,
    IdentitySource,
    ReviewCampaign,
    RoleCatalogue,
    RoleRule,
    RosterImport,
    SodPair,
    SyncRun,
)
from lakthan.access.services import campaigns as campaigns_service
from lakthan.access.services import jobs as access_jobs
from lakthan.access.services import requests as requests_service
from lakthan.access.services import roles as roles_service
from lakthan.access.services.accounts import accounts_of
from lakthan.access.services.campaign_status import status as campaign_status
from lakthan.access.services.findings import findings
from lakthan.core import access, roles
from lakthan.core.api_access import ID, require_verified_session
from lakthan.core.models import BackgroundJob, Person
from lakthan.core.services import actor_name
from lakthan.inventory import services as inventory
from lakthan.inventory.api import query_code


class AccountSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name", read_only=True)
    system = serializers.CharField(source="source.system.code", read_only=True)
    unit = serializers.CharField(source="source.system.unit.code", read_only=True)
    groups = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "id",
            "source",
            "system",
            "unit",
            "username",
            "display_name",
            "employee_id",
            "disabled",
            "last_login_at",
            "password_changed_at",
            "created_in_source_at",
            "first_seen_at",
            "gone_at",
            "is_service",
            "groups",
        ]
        read_only_fields = fields

    def get_groups(self, account: Account) -> list[str]:
        return sorted(m.group.name for m in account.memberships.all() if m.until is None)


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AccountSerializer

    def get_queryset(self):
        return (
            Account.objects.filter(roles.unit_filter(self.request.user, "source__system__unit"))
            .select_related("source__system__unit")
            .prefetch_related("memberships__group")
            .order_by("source__name", "username")
        )


class EmployeeAccountSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name", read_only=True)
    system = serializers.CharField(source="source.system.code", read_only=True)
    groups = serializers.SerializerMethodField()
    owned = serializers.BooleanField(source="is_service", read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "source",
            "system",
            "username",
            "disabled",
            "last_login_at",
            "gone_at",
            "owned",
            "groups",
        ]
        read_only_fields = fields

    def get_groups(self, account: Account) -> list[str]:
        return sorted(m.group.name for m in account.memberships.all() if m.until is None)


class EmployeeSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    accounts = serializers.SerializerMethodField()

    class Meta:
        model = Employee
        fields = [
            "employee_id",
            "title",
            "first_name",
            "last_name",
            "unit",
            "position",
            "status",
            "effective_date",
            "accounts",
        ]
        read_only_fields = fields

    @extend_schema_field(EmployeeAccountSerializer(many=True))
    def get_accounts(self, employee: Employee) -> list[dict]:
        """Their accounts in the systems of the caller's units (linked, by employee id, or owned)."""
        within = roles.scope(self.context["request"].user, roles.VIEW)
        accounts = accounts_of(employee, within).prefetch_related("memberships__group")
        return EmployeeAccountSerializer(accounts.order_by("source__name", "username"), many=True).data


class EmployeeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """People of the HR roster in the caller's units, with their accounts across systems."""

    serializer_class = EmployeeSerializer
    lookup_field = "employee_id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            Employee.objects.filter(roles.unit_filter(self.request.user, "unit"))
            .select_related("unit")
            .order_by("employee_id")
        )


# --- sources, findings, roster imports (the pages' API) ---


class SyncRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncRun
        fields = [
            "id",
            "started_at",
            "finished_at",
            "status",
            "accounts_seen",
            "added",
            "changed",
            "gone",
            "groups_seen",
            "memberships_added",
            "memberships_ended",
            "error",
        ]
        read_only_fields = fields


class IdentitySourceSerializer(serializers.ModelSerializer):
    """A source as the pages show it: where it is read, never the bind password (nor its file)."""

    system = serializers.CharField(source="system.code", read_only=True)
    unit = serializers.CharField(source="system.unit.code", read_only=True)
    last_sync = serializers.SerializerMethodField()

    class Meta:
        model = IdentitySource
        fields = [
            "name",
            "kind",
            "system",
            "unit",
            "url",
            "bind_dn",
            "base_dn",
            "employee_id_attribute",
            "csv_path",
            "may_write",
            "tracks_login",
            "last_sync_at",
            "last_sync",
        ]
        read_only_fields = fields

    @extend_schema_field(SyncRunSerializer(allow_null=True))
    def get_last_sync(self, source: IdentitySource) -> dict | None:
        run = source.syncs.first()
        return SyncRunSerializer(run).data if run else None


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = BackgroundJob
        fields = ["id", "kind", "target", "state", "percent", "requested_by", "created_at"]
        read_only_fields = fields


class IdentitySourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = IdentitySourceSerializer
    lookup_field = "name"
    lookup_value_regex = r"[A-Za-z0-9._-]{1,80}"

    def get_queryset(self):
        return (
            IdentitySource.objects.filter(roles.unit_filter(self.request.user, "system__unit"))
            .select_related("system__unit")
            .order_by("name")
        )

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def sync(self, request, name=None):
        """Start a sync of the source as a background job (DECIDE or MANAGE in its unit); the job's
        result holds the counts. A sync already queued or running is returned instead of a second."""
        source = self.get_object()
        unit = source.system.unit
        if not (roles.can(request.user, roles.DECIDE, unit) or roles.can(request.user, roles.MANAGE, unit)):
            raise PermissionDenied(roles.DECIDE)
        job = access_jobs.start_sync(source, request.user.get_username())
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class FindingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS))
    account = serializers.CharField()
    system = serializers.CharField()
    person = serializers.CharField(allow_null=True)
    detail = serializers.DictField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of", OpenApiTypes.DATE, description="the day judged (default today, Bangkok)"
            ),
            OpenApiParameter("kind", str, enum=list(KINDS)),
            OpenApiParameter("unit", str, description="a unit code: its systems and those below"),
        ],
        responses=FindingSerializer(many=True),
    )
)
class FindingViewSet(viewsets.ViewSet):
    """Findings about the accounts of the caller's units as of a day, as `lakthan access findings --json`."""

    def list(self, request):
        raw = request.query_params.get("as_of", "")
        try:
            as_of = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise ValidationError({"as_of": f"'{raw[:40]}' is not a YYYY-MM-DD date"}) from None
        kind = request.query_params.get("kind", "")
        if kind and kind not in KINDS:
            raise ValidationError({"kind": f"one of {', '.join(KINDS)}"})
        code = query_code(request, "unit")
        unit = access.unit_for(request.user, code) if code else None
        allowed = access.visible_unit_ids(request.user)
        systems = IdentitySource.objects.select_related("system")
        if allowed is not None:
            systems = systems.filter(system__unit_id__in=allowed)
        visible = {s.system.code for s in systems}
        found = [
            f.as_json() for f in findings(as_of, unit) if f.system in visible and (not kind or f.kind == kind)
        ]
        page = self.paginator.paginate_queryset(found, request, view=self)
        return self.paginator.get_paginated_response(page)

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            self._paginator = LimitOffsetPagination()
        return self._paginator


class RosterImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = RosterImport
        fields = ["id", "at", "actor", "file_name", "sha256", "rows", "added", "changed", "unchanged"]
        read_only_fields = fields


class RosterImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The HR roster's imports (the agency's, newest first): who, when, which file and its SHA-256."""

    serializer_class = RosterImportSerializer
    queryset = RosterImport.objects.all()


ROUTES = [
    ("access/accounts", AccountViewSet, "access-account"),
    ("access/sources", IdentitySourceViewSet, "access-source"),
    ("access/findings", FindingViewSet, "access-finding"),
    ("access/roster-imports", RosterImportViewSet, "access-roster-import"),
    ("access/employees", EmployeeViewSet, "access-employee"),
]


# The catalogue of roles per duty (read-only; `lakthan access roles import` changes it): the imports,
# and the rules and SoD pairs of the catalogue in force for the systems of the caller's units.


class RoleCatalogueSerializer(serializers.ModelSerializer):
    rules = serializers.IntegerField(source="rules.count", read_only=True)
    sod_pairs = serializers.IntegerField(source="sod_pairs.count", read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = RoleCatalogue
        fields = ["id", "at", "actor", "file_name", "sha256", "label", "rules", "sod_pairs", "in_force"]
        read_only_fields = fields

    def get_in_force(self, record: RoleCatalogue) -> bool:
        current = self.context.setdefault("in_force", roles_service.current())
        return current is not None and current.pk == record.pk


class RoleCatalogueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoleCatalogueSerializer
    queryset = RoleCatalogue.objects.order_by("-at", "-pk")


def _in_force():
    """The catalogue in force as a subquery (the newest import), read when the list is."""
    return RoleCatalogue.objects.order_by("-at", "-pk").values("pk")[:1]


class RoleRuleSerializer(serializers.ModelSerializer):
    system = serializers.CharField(source="system.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True, allow_null=True, default=None)
    groups = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = RoleRule
        fields = ["id", "catalogue", "line", "system", "position", "unit", "groups"]
        read_only_fields = fields


class RoleRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoleRuleSerializer

    def get_queryset(self):
        return (
            RoleRule.objects.filter(catalogue__in=_in_force())
            .filter(roles.unit_filter(self.request.user, "system__unit"))
            .select_related("system", "unit")
            .order_by("system__code", "line")
        )


class SodPairSerializer(serializers.ModelSerializer):
    system = serializers.CharField(source="system.code", read_only=True)

    class Meta:
        model = SodPair
        fields = ["id", "catalogue", "line", "system", "group_a", "group_b", "reason"]
        read_only_fields = fields


class SodPairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SodPairSerializer

    def get_queryset(self):
        return (
            SodPair.objects.filter(catalogue__in=_in_force())
            .filter(roles.unit_filter(self.request.user, "system__unit"))
            .select_related("system")
            .order_by("system__code", "line")
        )


ROUTES += [
    ("access/role-catalogues", RoleCatalogueViewSet, "access-role-catalogue"),
    ("access/role-rules", RoleRuleViewSet, "access-role-rule"),
    ("access/sod-pairs", SodPairViewSet, "access-sod-pair"),
]


# --- access requests ------------------------------------------------------------------------------


class AccessApprovalSerializer(serializers.Serializer):
    role = serializers.CharField()
    decision = serializers.CharField()
    comment = serializers.CharField()
    person = serializers.CharField(source="person.display_name")
    position = serializers.CharField(source="person.position_th")
    at = serializers.DateTimeField()


class AccessGrantSerializer(serializers.Serializer):
    granted_at = serializers.DateTimeField()
    until = serializers.DateField(allow_null=True)
    applied_at = serializers.DateTimeField(allow_null=True)
    applied_how = serializers.CharField()
    unlocked = serializers.BooleanField()
    apply_error = serializers.CharField()
    expired_at = serializers.DateTimeField(allow_null=True)
    expiry = serializers.CharField()


class AccessRequestSerializer(serializers.ModelSerializer):
    employee_id = serializers.CharField(source="employee.employee_id", read_only=True)
    person = serializers.CharField(source="employee.display_name", read_only=True)
    system = serializers.CharField(source="system.code", read_only=True)
    group = serializers.CharField(source="group.name", read_only=True, default=None)
    right = serializers.CharField(source="right_name", read_only=True)
    approvals = AccessApprovalSerializer(many=True, read_only=True)
    grant = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "state",
            "employee_id",
            "person",
            "system",
            "group",
            "role_name",
            "right",
            "justification",
            "until",
            "requested_by_name",
            "requested_at",
            "decided_at",
            "approvals",
            "grant",
        ]
        read_only_fields = fields

    @extend_schema_field(AccessGrantSerializer(allow_null=True))
    def get_grant(self, request: AccessRequest) -> dict | None:
        grant = getattr(request, "grant", None)
        return AccessGrantSerializer(grant).data if grant is not None else None


class AccessRequestCreateSerializer(serializers.Serializer):
    employee_id = serializers.CharField(max_length=60)
    system = serializers.CharField(max_length=80, help_text="inventory system code")
    group = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="a group of the system's source"
    )
    role_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    justification = serializers.CharField()
    until = serializers.DateField(required=False, allow_null=True, help_text="last day of the right (C.E.)")


class AccessDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(AccessRequest.State.values)),
            OpenApiParameter("mine", bool, description="only those waiting for my approval"),
        ]
    )
)
class AccessRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Access requests the caller may read (their units', filed by them, or theirs to decide). Filing
    goes through the same service as the web form; approving and rejecting are a person's acts: a
    browser session verified with TOTP only, never an API token."""

    serializer_class = AccessRequestSerializer
    lookup_value_regex = ID

    def get_queryset(self):
        rows = requests_service.visible_requests(self.request.user).prefetch_related("approvals__person")
        state = self.request.query_params.get("state")
        if state:
            rows = rows.filter(state=state)
        if self.request.query_params.get("mine") in ("1", "true"):
            person = Person.objects.filter(user=self.request.user).first()
            rows = rows.filter(pk__in=[r.pk for r in requests_service.pending_for(person)])
        return rows.select_related("grant", "employee", "system", "group")

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = AccessRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        employee = requests_service.find_employee(v["employee_id"])
        if not roles.can(request.user, roles.VIEW, employee.unit):
            raise NotFound()
        system = inventory.get_system(v["system"])
        created = requests_service.create_request(
            employee=employee,
            system=system,
            group=requests_service.find_group(system, v["group"]) if v.get("group") else None,
            role_name=v.get("role_name", ""),
            justification=v["justification"],
            until=v.get("until"),
            requested_by=request.user,
            actor=actor_name(request.user),
        )
        return Response(AccessRequestSerializer(requests_service.get_request(created.pk)).data, status=201)

    def _decide(self, request, decision: str, act_en: str, act_th: str) -> Response:
        access_request = self.get_object()
        require_verified_session(request, act_en, act_th)
        data = AccessDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = requests_service.decide(
            access_request,
            requests_service.deciding_person(request.user),
            decision,
            data.validated_data["comment"],
            actor=actor_name(request.user),
        )
        return Response(AccessRequestSerializer(requests_service.get_request(decided.pk)).data)

    @extend_schema(request=AccessDecisionSerializer, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve as the person's unit head and/or the system's owner (a TOTP-verified browser session)."""
        return self._decide(request, "approve", "approving an access request", "การอนุมัติคำขอสิทธิ์")

    @extend_schema(request=AccessDecisionSerializer, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a comment (required), as an approver (a TOTP-verified browser session)."""
        return self._decide(request, "reject", "rejecting an access request", "การไม่อนุมัติคำขอสิทธิ์")


ROUTES += [("access/requests", AccessRequestViewSet, "access-request")]


# --- review campaigns (read-only: decisions are a reviewer's acts on the reviewer's page) ---------


class ReviewCampaignSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    system = serializers.CharField(source="system.code", read_only=True, default=None)
    fallback = serializers.CharField(source="fallback.display_name", read_only=True)

    class Meta:
        model = ReviewCampaign
        fields = [
            "id",
            "name",
            "unit",
            "system",
            "privileged_only",
            "due",
            "no_answer",
            "fallback",
            "state",
            "started_by",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ReviewCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Review campaigns of the caller's units (and those the caller reviews in). ``/progress/`` gives
    the decisions per reviewer and the overdue items, as `lakthan access campaign status --json`."""

    serializer_class = ReviewCampaignSerializer

    def get_queryset(self):
        return campaigns_service.visible_campaigns(self.request.user).select_related(
            "unit", "system", "fallback"
        )

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(campaign_status(self.get_object(), timezone.localdate()))


ROUTES += [("access/campaigns", ReviewCampaignViewSet, "access-campaign")]
