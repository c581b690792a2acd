"""API of drills and incidents: list (?unit=, ?kind=), retrieve, create (DECIDE in the unit, through
the same service as the CLI) and the continuity status of a unit (the `bcp status --json` shape)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.api_access import ID
from lakthan.inventory.api import query_code
from lakthan.lib.timezones import parse_instant
from lakthan.risks.models import Drill, DrillSystem, Scenario
from lakthan.risks.services import drills as svc


class InstantField(serializers.Field):
    """An ISO-8601 instant; without an offset it is read in Asia/Bangkok. Shown in UTC (``…Z``)."""

    def to_internal_value(self, data):
        try:
            return parse_instant(str(data))
        except ValueError:
            raise ValidationError(f"'{str(data)[:40]}' is not an ISO-8601 time") from None

    def to_representation(self, value):
        return svc.iso(value)


def _system_spec(text: str):
    """``CODE`` or ``CODE@ISO-8601``: a system restored at its own time, as on the command line."""
    code, _, when = text.partition("@")
    if not when:
        return code
    try:
        return (code, parse_instant(when))
    except ValueError:
        raise ValidationError({"systems": f"'{text[:80]}': not CODE@ISO-8601"}) from None


class DrillSystemSerializer(serializers.ModelSerializer):
    system = serializers.CharField(source="system.code")
    restored = InstantField(allow_null=True)
    last_backup_at = InstantField(allow_null=True)

    class Meta:
        model = DrillSystem
        fields = [
            "system",
            "restored",
            "rto_s",
            "rto_target_s",
            "rto_met",
            "last_backup_at",
            "rpo_s",
            "rpo_target_s",
            "rpo_met",
        ]


class DrillSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    detected = InstantField(allow_null=True)
    started = InstantField()
    contained = InstantField(allow_null=True)
    restored = InstantField(allow_null=True)
    systems = DrillSystemSerializer(many=True)

    class Meta:
        model = Drill
        fields = [
            "id",
            "kind",
            "scenario",
            "unit",
            "title",
            "origin",
            "detected",
            "started",
            "contained",
            "restored",
            "people",
            "notes",
            "timeline",
            "alert",
            "restore_test",
            "systems",
            "recorded_by",
        ]


class DrillCreateSerializer(serializers.Serializer):
    """The options of `lakthan bcp drill record`."""

    unit = serializers.CharField(max_length=40)
    systems = serializers.ListField(
        child=serializers.CharField(max_length=120),
        min_length=1,
        max_length=200,
        help_text="system codes; CODE@ISO-8601 for a system restored at its own time",
    )
    scenario = serializers.ChoiceField(choices=Scenario.Kind.values)
    kind = serializers.ChoiceField(choices=Drill.Kind.values, default="drill")
    started = InstantField()
    restored = InstantField()
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    people = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="this unit and those below it"),
            OpenApiParameter("kind", str, enum=Drill.Kind.values),
        ]
    ),
    create=extend_schema(request=DrillCreateSerializer, responses={201: DrillSerializer}),
)
class DrillViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = DrillSerializer
    lookup_value_regex = ID

    def get_queryset(self):
        qs = Drill.objects.select_related("unit").prefetch_related("systems__system")
        qs = qs.filter(roles.unit_filter(self.request.user, "unit"))
        if code := query_code(self.request, "unit"):
            qs = qs.filter(unit_id__in=access.unit_for(self.request.user, code).descendant_ids())
        if kind := self.request.query_params.get("kind"):
            if kind not in Drill.Kind.values:
                raise ValidationError({"kind": "drill or incident"})
            qs = qs.filter(kind=kind)
        return qs.order_by("started", "pk")

    def create(self, request, *args, **kwargs):
        data = DrillCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access.unit_for(request.user, v["unit"])
        access.require(request.user, roles.DECIDE, unit)
        drill = svc.record_drill(
            unit=unit,
            systems=[_system_spec(text) for text in v["systems"]],
            scenario=v["scenario"],
            started=v["started"],
            restored=v["restored"],
            kind=v["kind"],
            title=v["title"],
            people=v["people"],
            notes=v["notes"],
            actor=request.user.get_username(),
        )
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)


class ContinuityStatusViewSet(viewsets.ViewSet):
    """Each system of a unit (and the units below it) with its recovery targets and its drills, oldest
    first: the `bcp status --json` shape. Restore tests are counted as system-down drills first."""

    @extend_schema(parameters=[OpenApiParameter("unit", str, required=True)], responses=OpenApiTypes.OBJECT)
    def list(self, request):
        code = query_code(request, "unit")
        if not code:
            raise ValidationError({"unit": "required"})
        unit = access.unit_for(request.user, code)
        svc.drills_from_restore_tests()
        return Response({"unit": unit.code, **svc.continuity_status(unit)})


ROUTES = [
    ("risk-drills", DrillViewSet, "risk-drill"),
    ("continuity-status", ContinuityStatusViewSet, "continuity-status"),
]
