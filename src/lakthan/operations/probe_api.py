"""Probes, their availability and incidents through the API: probes of the caller's units (list,
read, create and run with the collector's capability in the unit, through the same services as the
CLI and the pages), the availability of a probe over ?from=&to= (Bangkok days, both included), and
the incidents (?open=1 for those still open)."""

from __future__ import annotations

from datetime import UTC, datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access
from lakthan.core.errors import InvalidInput
from lakthan.inventory.api import query_day, visible_system
from lakthan.lib.durations import BadDuration, parse_duration
from lakthan.operations.models import Incident, Probe
from lakthan.operations.services import availability as av
from lakthan.operations.services import probes as svc


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@extend_schema_field(OpenApiTypes.OBJECT)
class _Json(serializers.JSONField):
    pass


class ProbeSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    system = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    last = serializers.SerializerMethodField()

    class Meta:
        model = Probe
        fields = [
            "name",
            "unit",
            "system",
            "kind",
            "target",
            "url",
            "expect_status",
            "expect_text",
            "host",
            "port",
            "ca_file",
            "every_s",
            "timeout_s",
            "website",
            "active",
            "created_by",
            "created_at",
            "last",
        ]

    def get_system(self, obj) -> str | None:
        return obj.system.code if obj.system_id else None

    def get_target(self, obj) -> str:
        return svc.target(obj)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_last(self, obj) -> dict:
        """{"status": up|down|null, "detail", "tls_days_left", "tls_warning", "at"}: the newest result."""
        rows = self.context.get("rows")
        row = rows.get(obj.pk) if rows else None
        if row is None:
            (row,) = svc.probe_rows([obj])
        return {
            "status": row["last_status"],
            "detail": row["last_detail"],
            "tls_days_left": row["tls_days_left"],
            "tls_warning": row["tls_warning"],
            "at": iso(row["last_at"]),
        }


class ProbeAddSerializer(serializers.Serializer):
    """The options of `lakthan ops probe add`."""

    name = serializers.CharField(max_length=80)
    unit = serializers.CharField(max_length=40)
    url = serializers.CharField(max_length=2000, required=False, default="")
    expect_text = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    status = serializers.IntegerField(min_value=100, max_value=599, required=False, default=200)
    tcp = serializers.CharField(max_length=300, required=False, default="", help_text="HOST:PORT")
    ca_file = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    every = serializers.CharField(max_length=20, required=False, default="5m", help_text="30s, 5m, 1h …")
    timeout_s = serializers.IntegerField(min_value=1, max_value=svc.MAX_TIMEOUT_S, required=False, default=10)
    website = serializers.BooleanField(required=False, default=False)
    system = serializers.CharField(max_length=80, required=False, allow_null=True, default=None)


class ProbeResultSerializer(serializers.Serializer):
    probe = serializers.CharField(source="probe.name")
    at = serializers.SerializerMethodField()
    up = serializers.BooleanField()
    detail = serializers.CharField()
    status_code = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.IntegerField(allow_null=True)
    tls_days_left = serializers.IntegerField(allow_null=True)
    content_sha256 = serializers.CharField()
    etag = serializers.CharField()

    def get_at(self, obj) -> str | None:
        return iso(obj.at)


class AvailabilitySerializer(serializers.Serializer):
    probe = serializers.CharField()
    from_ = serializers.CharField()
    to = serializers.CharField()
    up_s = serializers.FloatField()
    down_s = serializers.FloatField()
    unknown_s = serializers.FloatField()
    ratio = serializers.FloatField(allow_null=True)
    months = _Json(help_text='[{"month": "YYYY-MM", "up_s", "down_s", "unknown_s", "ratio"}]')

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")]
    ),
    create=extend_schema(request=ProbeAddSerializer, responses={201: ProbeSerializer}),
)
class ProbeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProbeSerializer
    lookup_field = "name"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        unit = None
        if code := self.request.query_params.get("unit"):
            unit = access.unit_for(self.request.user, code[:40])
        return svc.visible_probes(access.visible_unit_ids(self.request.user), unit)

    def list(self, request, *args, **kwargs):
        probes = list(self.get_queryset())
        rows = {r["probe"].pk: r for r in svc.probe_rows(probes)}
        return Response(ProbeSerializer(probes, many=True, context={"rows": rows}).data)

    def create(self, request, *args, **kwargs):
        data = ProbeAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        unit = access.unit_for(request.user, v.pop("unit"), svc.CHANGE)
        try:
            every_s = parse_duration(v.pop("every"))
        except BadDuration:
            raise ValidationError({"every": "not a duration such as 30s, 5m or 1h"}) from None
        system = visible_system(request.user, v.pop("system", None))
        probe = svc.add_probe(
            v.pop("name"), unit, every_s=every_s, system=system, actor=request.user.get_username(), **v
        )
        return Response(ProbeSerializer(probe).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ProbeResultSerializer)
    @action(detail=True, methods=["post"])
    def run(self, request, name=None):
        """Runs the probe now and records its result (the collector's capability in its unit)."""
        probe = self.get_object()
        access.require(request.user, svc.CHANGE, probe.unit)
        return Response(ProbeResultSerializer(svc.run_probe(probe)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="a Bangkok day, included"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="a Bangkok day, included"),
        ],
        responses=AvailabilitySerializer,
    )
    @action(detail=True, methods=["get"])
    def availability(self, request, name=None):
        """Time-weighted availability per Bangkok month (the `ops availability --json` shape)."""
        probe = self.get_object()
        try:
            return Response(av.availability(probe, query_day(request, "from"), query_day(request, "to")))
        except InvalidInput as exc:
            raise ValidationError({"to": exc.message_en}) from None


class IncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    probe = serializers.CharField()
    unit = serializers.CharField()
    opened_at = serializers.SerializerMethodField()
    closed_at = serializers.SerializerMethodField()
    open = serializers.BooleanField()
    duration_s = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()

    def get_opened_at(self, obj) -> str | None:
        return iso(obj["opened_at"])

    def get_closed_at(self, obj) -> str | None:
        return iso(obj["closed_at"])


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("open", bool, description="1: only the incidents still open")],
        responses=IncidentSerializer(many=True),
    )
)
class IncidentViewSet(viewsets.GenericViewSet):
    serializer_class = IncidentSerializer
    queryset = Incident.objects.none()

    def list(self, request):
        open_only = request.query_params.get("open") in ("1", "true")
        qs = svc.incidents(access.visible_unit_ids(request.user), open_only=open_only)[:1000]
        return Response(IncidentSerializer([svc.incident_row(i) for i in qs], many=True).data)


ROUTES = [
    ("ops/probes", ProbeViewSet, "ops-probe"),
    ("ops/incidents", IncidentViewSet, "ops-incident"),
]
