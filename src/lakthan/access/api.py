"""API of item 10 (first part): the accounts of the caller's units, read-only, with their source,
system, state and employee id. Writes go through the CLI's services for now."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from lakthan.access.models import Account, Employee
from lakthan.access.services.accounts import accounts_of
from lakthan.core import roles


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


ROUTES.append(("access/employees", EmployeeViewSet, "access-employee"))
