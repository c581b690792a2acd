"""API of item 10 (first part): the accounts of the caller's units, read-only, with their source,
system, state and employee id. Writes go through the CLI's services for now."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from lakthan.access.models import Account
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
