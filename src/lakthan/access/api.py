"""API of item 10: the accounts of the caller's units, read-only, with their source, system, state and
employee id; access requests (list, file, read; approve and reject from a verified browser session)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from lakthan.access.models import AccessRequest, Account
from lakthan.access.services import requests as requests_service
from lakthan.core import roles
from lakthan.core.api_access import ID, require_verified_session
from lakthan.core.models import Person
from lakthan.core.services import actor_name
from lakthan.inventory import services as inventory


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


ROUTES = [("access/accounts", AccountViewSet, "access-account")]


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
