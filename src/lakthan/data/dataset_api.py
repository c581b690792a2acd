"""Datasets and their quality rules through the API: those of the caller's units (list, read, add with
the collector's capability in the unit, through the same services as the CLI and the pages), reading
a dataset now (POST …/check/). A DSN is only ever returned masked."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.api_access import visible_person
from lakthan.core.services import actor_name
from lakthan.data.models import Dataset, QualityRule
from lakthan.data.services import datasets as svc
from lakthan.data.services import reading as rd
from lakthan.evidence.models import Evidence
from lakthan.inventory.api import visible_system
from lakthan.lib.durations import BadDuration, parse_duration
from lakthan.lib.timezones import iso


def reading_json(r) -> dict | None:
    if r is None:
        return None
    return {
        "at": iso(r.at),
        "ok": r.ok,
        "last_update": iso(r.last_update),
        "late": r.late,
        "late_by_s": r.late_by_s,
        "error": r.error,
        "duration_ms": r.duration_ms,
        "notified": r.notified,
    }


def result_json(r) -> dict | None:
    if r is None:
        return None
    return {"at": iso(r.at), "passed": r.passed, "value": r.value, "error": r.error}


class DatasetSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    system = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    owner_order = serializers.SerializerMethodField()
    dsn = serializers.SerializerMethodField()
    last_reading = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "id",
            "name",
            "unit",
            "system",
            "owner",
            "owner_order",
            "every_s",
            "source",
            "dsn",
            "query",
            "path",
            "pattern",
            "tz",
            "timeout_s",
            "active",
            "created_by",
            "created_at",
            "last_reading",
        ]

    def get_system(self, obj) -> str | None:
        return obj.system.code if obj.system_id else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_owner(self, obj) -> dict | None:
        """{"id", "name"} of the data owner"""
        return None if obj.owner is None else {"id": obj.owner.pk, "name": obj.owner.display_name}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_owner_order(self, obj) -> dict | None:
        """{"id", "doc_no", "doc_date"} of the order naming the owner"""
        o = obj.owner_order
        if o is None:
            return None
        return {"id": o.pk, "doc_no": o.doc_no, "doc_date": o.doc_date.isoformat() if o.doc_date else None}

    def get_dsn(self, obj) -> str:
        """The DSN with any password replaced by ***"""
        return svc.masked_dsn(obj)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_last_reading(self, obj) -> dict | None:
        """{"at", "ok", "last_update", "late", "late_by_s", "error", "duration_ms", "notified"}"""
        latest = self.context.get("latest")
        reading = latest.get(obj.pk) if latest is not None else rd.latest_readings([obj]).get(obj.pk)
        return reading_json(reading)


class DatasetAddSerializer(serializers.Serializer):
    """The options of `lakthan data dataset add`."""

    name = serializers.CharField(max_length=80)
    unit = serializers.CharField(max_length=40)
    system = serializers.CharField(max_length=80, required=False, allow_null=True, default=None)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="a person id")
    owner_order = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="an evidence id (kind order)"
    )
    every = serializers.CharField(max_length=20, help_text="1h, 1d, 1w …")
    source = serializers.ChoiceField(choices=Dataset.Source.values)
    dsn = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    query = serializers.CharField(required=False, default="", allow_blank=True)
    path = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    pattern = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    tz = serializers.CharField(max_length=64, required=False, default="Asia/Bangkok")
    timeout_s = serializers.IntegerField(min_value=1, max_value=svc.MAX_TIMEOUT_S, required=False, default=30)


class CheckSerializer(serializers.Serializer):
    reading = serializers.JSONField()
    rules = serializers.JSONField()


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")]
    ),
    create=extend_schema(request=DatasetAddSerializer, responses={201: DatasetSerializer}),
)
class DatasetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = DatasetSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        unit = None
        if code := self.request.query_params.get("unit"):
            unit = access.unit_for(self.request.user, code[:40])
        active_only = self.action == "list"
        return svc.visible_datasets(access.visible_unit_ids(self.request.user), unit, active_only=active_only)

    def list(self, request, *args, **kwargs):
        rows = list(self.get_queryset())
        latest = rd.latest_readings(rows)
        return Response(DatasetSerializer(rows, many=True, context={"latest": latest}).data)

    def create(self, request, *args, **kwargs):
        data = DatasetAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        unit = access.unit_for(request.user, v.pop("unit"), svc.CHANGE)
        try:
            every_s = parse_duration(v.pop("every"))
        except BadDuration:
            raise ValidationError({"every": "not a duration such as 1h, 1d or 1w"}) from None
        system = visible_system(request.user, v.pop("system", None))
        owner = visible_person(request.user, v.pop("owner", None))
        order = None
        if (order_id := v.pop("owner_order", None)) is not None:
            order = Evidence.objects.filter(pk=order_id).first()
            if order is None or not roles.can(request.user, roles.VIEW, order.unit):
                raise ValidationError({"owner_order": f"no evidence {order_id}"})
        ds = svc.add_dataset(
            v.pop("name"),
            unit,
            every_s=every_s,
            system=system,
            owner=owner,
            owner_order=order,
            actor=actor_name(request.user),
            **v,
        )
        return Response(DatasetSerializer(ds).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CheckSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Reads the dataset now and runs its rules (the collector's capability in its unit)."""
        ds = self.get_object()
        access.require(request.user, svc.CHANGE, ds.unit)
        reading, results = rd.check_dataset(ds)
        return Response(
            {
                "reading": reading_json(reading),
                "rules": [
                    {"name": r.rule.name, "kind": r.rule.kind, **(result_json(r) or {})} for r in results
                ],
            }
        )


class RuleSerializer(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset.name", read_only=True)
    last_result = serializers.SerializerMethodField()

    class Meta:
        model = QualityRule
        fields = [
            "id",
            "dataset",
            "name",
            "kind",
            "table",
            "column",
            "min_value",
            "max_value",
            "query",
            "active",
            "created_by",
            "created_at",
            "last_result",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_last_result(self, obj) -> dict | None:
        """{"at", "passed", "value", "error"}"""
        latest = self.context.get("latest")
        result = latest.get(obj.pk) if latest is not None else rd.latest_results([obj]).get(obj.pk)
        return result_json(result)


class RuleAddSerializer(serializers.Serializer):
    """The options of `lakthan data rule add`."""

    dataset = serializers.IntegerField(help_text="the dataset's id")
    name = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(choices=QualityRule.Kind.values)
    table = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    column = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    min_value = serializers.FloatField(required=False, allow_null=True, default=None)
    max_value = serializers.FloatField(required=False, allow_null=True, default=None)
    query = serializers.CharField(required=False, default="", allow_blank=True)


@extend_schema_view(create=extend_schema(request=RuleAddSerializer, responses={201: RuleSerializer}))
class RuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = RuleSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return svc.visible_rules(access.visible_unit_ids(self.request.user))

    def list(self, request, *args, **kwargs):
        rows = list(self.get_queryset())
        return Response(RuleSerializer(rows, many=True, context={"latest": rd.latest_results(rows)}).data)

    def create(self, request, *args, **kwargs):
        data = RuleAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        ds = svc.visible_datasets(access.visible_unit_ids(request.user)).filter(pk=v.pop("dataset")).first()
        if ds is None:
            raise ValidationError({"dataset": "no such dataset"})
        access.require(request.user, svc.CHANGE, ds.unit)
        rule = svc.add_rule(ds, v.pop("name"), v.pop("kind"), actor=actor_name(request.user), **v)
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("data/datasets", DatasetViewSet, "data-dataset"),
    ("data/rules", RuleViewSet, "data-rule"),
]
