"""API of item 10 (first part): the accounts of the caller's units, read-only, with their source,
system, state and employee id. Writes go through the CLI's services for now."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from lakthan.access.models import Account, RoleCatalogue, RoleRule, SodPair
from lakthan.access.services import roles as roles_service
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
