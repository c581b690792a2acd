"""API of the inventory: /api/systems/ and /api/hosts/. Lists and reads are limited to the caller's
units; adding and changing need the MANAGE capability in the unit (administrators); every change
goes through lakthan.inventory.services."""

from __future__ import annotations

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.api_access import MAX_ID, visible_person
from lakthan.core.models import Unit
from lakthan.inventory import services
from lakthan.inventory.models import Host, System

CODE = services.CODE_RE.pattern.strip("^$")
HOST = services.HOST_RE.pattern.strip("^$")


def query_code(request, name: str) -> str | None:
    """A code or name given as ?name=: absent is None, malformed is a 400 (never a database error)."""
    value = request.query_params.get(name)
    if not value:
        return None
    if not services.HOST_RE.match(value):
        raise ValidationError({name: "no spaces, control characters or /"})
    return value


def query_day(request, name: str) -> date:
    """A required day given as ?name=YYYY-MM-DD; absent or malformed is a 400 naming it."""
    value = request.query_params.get(name)
    if not value:
        raise ValidationError({name: "required: YYYY-MM-DD"})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: f"'{value[:20]}' is not a YYYY-MM-DD date"}) from None


def visible_system(user, code: str | None) -> System | None:
    """The system a request names by code (None when it names none); one the user may not see is
    answered as one that does not exist."""
    if not code:
        return None
    system = System.objects.select_related("unit").filter(code=code).first()
    if system is None or not roles.can(user, roles.VIEW, system.unit):
        raise ValidationError({"system": f"no system {code}"})
    return system


def unit_param(request) -> Unit | None:
    code = query_code(request, "unit")
    return access.unit_for(request.user, code) if code else None


class SystemSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    hosts = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    installed_at = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    backup = serializers.SerializerMethodField()

    class Meta:
        model = System
        fields = [
            "id",
            "code",
            "name_th",
            "name_en",
            "unit",
            "owner",
            "klass",
            "criticality",
            "description",
            "active",
            "created_at",
            "hosts",
            "installed_at",
            "backup",
        ]

    def get_backup(self, obj) -> str | None:
        """The name of the system's backup policy (see /api/backup-systems/), if it has one."""
        backup = getattr(obj, "backup", None)
        return backup.name if backup else None


class SystemChangeSerializer(serializers.Serializer):
    name_th = serializers.CharField(max_length=255)
    name_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=40)
    owner = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )
    klass = serializers.ChoiceField(choices=System.Klass.choices)
    criticality = serializers.IntegerField(min_value=1, max_value=5)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)


class SystemAddSerializer(SystemChangeSerializer):
    code = serializers.RegexField(rf"^{CODE}$", max_length=80)
    active = None  # a new system is in service


class HostSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    systems = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Host
        fields = ["id", "name", "unit", "addresses", "systems", "role", "created_at"]


class HostChangeSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=40)
    addresses = serializers.ListField(
        child=serializers.IPAddressField(), required=False, default=list, max_length=64
    )
    systems = serializers.ListField(
        child=serializers.RegexField(rf"^{CODE}$", max_length=80),
        required=False,
        default=list,
        max_length=256,
    )
    role = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class HostAddSerializer(HostChangeSerializer):
    name = serializers.RegexField(services.HOST_RE, max_length=255)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")]
    ),
    create=extend_schema(request=SystemAddSerializer, responses={201: SystemSerializer}),
    update=extend_schema(request=SystemChangeSerializer, responses=SystemSerializer),
)
class SystemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = SystemSerializer
    lookup_field = "code"
    lookup_value_regex = CODE

    def get_queryset(self):
        return (
            services.list_systems(unit_param(self.request), within=roles.scope(self.request.user))
            .select_related("backup")
            .prefetch_related("hosts", "installed_at")
        )

    def create(self, request, *args, **kwargs):
        data = SystemAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = access.unit_for(request.user, values.pop("unit"))
        access.require(request.user, roles.MANAGE, unit)
        system = services.add_system(
            values.pop("code"),
            unit=unit,
            owner=visible_person(request.user, values.pop("owner")),
            actor=request.user.get_username(),
            **values,
        )
        return Response(SystemSerializer(system).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        system = self.get_object()
        access.require(request.user, roles.MANAGE, system.unit)
        data = SystemChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = access.unit_for(request.user, values.pop("unit"))
        access.require(request.user, roles.MANAGE, unit)
        system = services.update_system(
            system,
            unit=unit,
            owner=visible_person(request.user, values.pop("owner")),
            actor=request.user.get_username(),
            **values,
        )
        return Response(SystemSerializer(system).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="this unit and those below it"),
            OpenApiParameter("system", str, description="hosts serving this system (code)"),
        ]
    ),
    create=extend_schema(request=HostAddSerializer, responses={201: HostSerializer}),
    update=extend_schema(request=HostChangeSerializer, responses=HostSerializer),
)
class HostViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = HostSerializer
    lookup_field = "name"
    lookup_value_regex = HOST

    def get_queryset(self):
        within = roles.scope(self.request.user)
        qs = services.list_hosts(unit_param(self.request), within=within)
        if code := query_code(self.request, "system"):
            qs = qs.filter(systems__code=code)
        return qs

    def _systems(self, codes: list[str]) -> list[System]:
        found = {
            s.code: s
            for s in services.list_systems(within=roles.scope(self.request.user)).filter(code__in=codes)
        }
        missing = sorted(set(codes) - set(found))
        if missing:
            raise ValidationError({"systems": f"no system {', '.join(missing)}"})
        return [found[c] for c in dict.fromkeys(codes)]

    def _values(self, serializer_class, request) -> dict:
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["unit"] = access.unit_for(request.user, values["unit"])
        access.require(request.user, roles.MANAGE, values["unit"])
        values["systems"] = self._systems(values["systems"])
        return values

    def create(self, request, *args, **kwargs):
        values = self._values(HostAddSerializer, request)
        host = services.add_host(values.pop("name"), actor=request.user.get_username(), **values)
        return Response(HostSerializer(host).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        host = self.get_object()
        access.require(request.user, roles.MANAGE, host.unit)
        values = self._values(HostChangeSerializer, request)
        host = services.update_host(host, actor=request.user.get_username(), **values)
        return Response(HostSerializer(host).data)


ROUTES = [("systems", SystemViewSet, "system"), ("hosts", HostViewSet, "host")]
