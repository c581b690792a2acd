"""The plan, the register, its changes and the readings through the API, over the same services as
the CLI and the pages: the caller sees the units ``access.visible_unit_ids`` gives and changes those
where a data collector may (the CHANGE capability of views.py)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.api_access import visible_person
from lakthan.core.errors import LakthanError
from lakthan.core.services import actor_name
from lakthan.inventory.api import query_code
from lakthan.inventory.models import System
from lakthan.lib.timezones import parse_instant
from lakthan.network.address_views import MAX_READING, read_upload
from lakthan.network.models import Address, AddressChange, ObservationImport
from lakthan.network.services import observe, register
from lakthan.network.services.plan import plan_rows
from lakthan.network.views import CHANGE


@extend_schema_field(OpenApiTypes.OBJECT)
class _Json(serializers.JSONField):
    pass


def _bad(exc: LakthanError, field: str = "detail") -> ValidationError:
    return ValidationError({field: exc.message_en})


# --- prefixes -------------------------------------------------------------------------------------


class PrefixSerializer(serializers.Serializer):
    cidr = serializers.CharField(max_length=64)
    version = serializers.IntegerField(read_only=True)
    unit = serializers.CharField(max_length=40)
    purpose = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    registered = serializers.IntegerField(read_only=True)
    seen = serializers.IntegerField(read_only=True, help_text="distinct addresses observed in the block")
    created_by = serializers.CharField(read_only=True)
    created_at = serializers.CharField(read_only=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")]
    ),
    create=extend_schema(request=PrefixSerializer, responses={201: PrefixSerializer}),
)
class PrefixViewSet(viewsets.ViewSet):
    """The address plan: blocks per unit with the addresses registered and seen in each."""

    lookup_field = "cidr"
    # a CIDR's slash in the path as it is (/api/network/prefixes/10.20.1.0/24/) or as "_"
    # (…/10.20.1.0_24/), which clients and generators that cannot put a slash in a path segment use
    lookup_value_regex = r"[0-9A-Fa-f:.]+[/_]\d{1,3}"

    def list(self, request):
        unit = access.unit_for(request.user, code) if (code := query_code(request, "unit")) else None
        rows = plan_rows(unit=unit, within=access.visible_unit_ids(request.user))
        return Response(PrefixSerializer(rows, many=True).data)

    def create(self, request):
        data = PrefixSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access.unit_for(request.user, v["unit"], CHANGE)
        try:
            prefix = register.add_prefix(
                v["cidr"], unit, v.get("purpose", ""), actor=actor_name(request.user)
            )
        except LakthanError as exc:
            raise _bad(exc, "cidr") from None
        row = next(r for r in plan_rows(unit=unit) if r["cidr"] == prefix.cidr)
        return Response(PrefixSerializer(row).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, cidr: str | None = None):
        try:
            prefix = register.get_prefix((cidr or "").replace("_", "/"))
        except LakthanError:
            raise Http404(cidr) from None
        access.require(request.user, CHANGE, prefix.unit)
        register.remove_prefix(prefix.cidr, actor=actor_name(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- addresses ------------------------------------------------------------------------------------


class AddressSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    system = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = Address
        fields = [
            "id",
            "address",
            "key",
            "hostname",
            "mac",
            "unit",
            "owner",
            "owner_name",
            "system",
            "note",
            "created_at",
            "updated_at",
        ]

    def get_system(self, obj) -> str | None:
        return obj.system.code if obj.system_id else None

    def get_owner_name(self, obj) -> str | None:
        return obj.owner.display_name if obj.owner_id else None


class AddressChangeSerializer(serializers.Serializer):
    """The fields of a registration; those absent are left as they are."""

    address = serializers.CharField(max_length=64, required=False)
    unit = serializers.CharField(max_length=40, required=False)
    hostname = serializers.CharField(max_length=255, required=False, allow_blank=True)
    mac = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text="any notation")
    owner = serializers.IntegerField(required=False, allow_null=True, help_text="a person id")
    system = serializers.CharField(max_length=80, required=False, allow_null=True, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class AddressAddSerializer(AddressChangeSerializer):
    address = serializers.CharField(max_length=64)
    unit = serializers.CharField(max_length=40)


def _system(user, code: str | None) -> System | None:
    if not code:
        return None
    system = System.objects.filter(roles.unit_filter(user), code=code).first()
    if system is None:
        raise ValidationError({"system": f"no system {code}"})
    return system


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="this unit and those below it"),
            OpenApiParameter("q", str, description="in the address, host name or MAC"),
            OpenApiParameter("prefix", str, description="addresses inside this block of the plan"),
        ]
    ),
    create=extend_schema(request=AddressAddSerializer, responses={201: AddressSerializer}),
    partial_update=extend_schema(request=AddressChangeSerializer, responses=AddressSerializer),
)
class AddressViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The register of addresses (the same address may be registered twice; the findings say so)."""

    serializer_class = AddressSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        request = self.request
        unit = access.unit_for(request.user, code) if (code := query_code(request, "unit")) else None
        prefix = None
        if cidr := request.query_params.get("prefix"):
            try:
                prefix = register.get_prefix(cidr)
            except LakthanError:
                return Address.objects.none()
        return register.list_addresses(
            unit=unit,
            within=access.visible_unit_ids(request.user),
            search=request.query_params.get("q", "")[:100],
            prefix=prefix,
        )

    def _fields(self, v: dict) -> dict:
        fields = {k: v[k] for k in ("address", "hostname", "mac", "note") if k in v}
        if "unit" in v:
            fields["unit"] = access.unit_for(self.request.user, v["unit"], CHANGE)
        if "owner" in v:
            fields["owner"] = visible_person(self.request.user, v["owner"])
        if "system" in v:
            fields["system"] = _system(self.request.user, v["system"])
        return fields

    def create(self, request, *args, **kwargs):
        data = AddressAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = self._fields(dict(data.validated_data))
        try:
            reg = register.register_address(
                fields.pop("address"), fields.pop("unit"), **fields, actor=actor_name(request.user)
            )
        except LakthanError as exc:
            raise _bad(exc) from None
        return Response(AddressSerializer(reg).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        reg = self.get_object()
        access.require(request.user, CHANGE, reg.unit)
        data = AddressChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reg = register.update_address(
                reg, actor=actor_name(request.user), **self._fields(dict(data.validated_data))
            )
        except LakthanError as exc:
            raise _bad(exc) from None
        return Response(AddressSerializer(reg).data)

    def destroy(self, request, *args, **kwargs):
        reg = self.get_object()
        access.require(request.user, CHANGE, reg.unit)
        register.remove_address(reg, actor=actor_name(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- history and readings -------------------------------------------------------------------------


class ChangeSerializer(serializers.ModelSerializer):
    before = _Json(
        help_text='{"address", "key", "hostname", "mac", "unit", "owner", "system", "note"} or null'
    )
    after = _Json(help_text="the same, or null for a removal")
    registration = serializers.IntegerField(source="registration_id", allow_null=True)

    class Meta:
        model = AddressChange
        fields = ["id", "at", "actor", "action", "address", "registration", "before", "after", "source"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="this unit and those below it (before or after)"),
            OpenApiParameter("since", str, description="ISO-8601 (no offset: Asia/Bangkok)"),
        ]
    )
)
class ChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every change to the register: who, when, what it was before and after."""

    serializer_class = ChangeSerializer

    def get_queryset(self):
        request = self.request
        unit = access.unit_for(request.user, code) if (code := query_code(request, "unit")) else None
        since = None
        if text := request.query_params.get("since"):
            try:
                since = parse_instant(text)
            except ValueError:
                raise ValidationError({"since": "not an ISO-8601 time"}) from None
        return register.list_changes(unit=unit, since=since, within=access.visible_unit_ids(request.user))


class ReadingSerializer(serializers.ModelSerializer):
    problems = serializers.SerializerMethodField()

    class Meta:
        model = ObservationImport
        fields = ["id", "kind", "source", "sha256", "read", "observations", "actor", "at", "problems"]

    def get_problems(self, obj) -> list[str]:
        """The lines a reading just made skipped (empty when listed later)."""
        return [en for _, en in observe.problems_of(obj)]


class ReadingUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["dhcpd", "kea", "arp"])
    file = serializers.FileField()
    at = serializers.CharField(required=False, allow_blank=True, help_text="ARP: when taken (ISO-8601)")


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ReadingUploadSerializer}, responses={201: ReadingSerializer}
    )
)
class ReadingViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Readings of what the network did; POST a leases file or an ARP table to read it."""

    serializer_class = ReadingSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if access.visible_unit_ids(self.request.user) == set():
            return ObservationImport.objects.none()
        return observe.list_readings(self.request.query_params.get("kind") or None)

    def create(self, request, *args, **kwargs):
        scope = roles.scope(request.user, CHANGE)
        if scope is not None and not scope:
            raise PermissionDenied(CHANGE)
        data = ReadingUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["file"].size > MAX_READING:
            raise ValidationError({"file": "larger than 100 MB"})
        try:
            reading = read_upload(v["kind"], v["file"], v.get("at", ""), actor_name(request.user))
        except LakthanError as exc:
            raise _bad(exc) from None
        return Response(ReadingSerializer(reading).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("network/prefixes", PrefixViewSet, "network-prefix"),
    ("network/addresses", AddressViewSet, "network-address"),
    ("network/changes", ChangeViewSet, "network-change"),
    ("network/readings", ReadingViewSet, "network-reading"),
]
