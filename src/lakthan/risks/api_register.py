"""The register through the API: risks of the caller's units (list, read, add, change with MANAGE,
through the same services as the CLI and the pages) and the matrix in force."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.api_access import visible_person
from lakthan.core.services import actor_name
from lakthan.inventory.api import query_code
from lakthan.inventory.models import System
from lakthan.risks.models import Risk
from lakthan.risks.services import register


class RiskSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    system = serializers.SerializerMethodField()
    acceptance = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    matrix = serializers.CharField(source="matrix.sha256", read_only=True)

    class Meta:
        model = Risk
        fields = [
            "ref",
            "unit",
            "system",
            "title",
            "threat",
            "vulnerability",
            "matrix",
            "likelihood",
            "impact",
            "level",
            "residual_likelihood",
            "residual_impact",
            "residual_level",
            "treatment",
            "treatment_plan",
            "treatment_status",
            "owner",
            "due",
            "accepted_by",
            "accepted_at",
            "acceptance_expires",
            "acceptance",
            "overdue",
            "closed",
            "created_at",
            "updated_at",
        ]

    def get_system(self, obj) -> str | None:
        return obj.system.code if obj.system_id else None

    def get_acceptance(self, obj) -> str:
        """none | accepted | expired"""
        return register.acceptance_state(obj)

    def get_overdue(self, obj) -> bool:
        return register.is_overdue(obj)


class RiskChangeSerializer(serializers.Serializer):
    """The fields of `lakthan risk update`; those absent are left as they are."""

    system = serializers.CharField(max_length=80, required=False, allow_null=True)
    title = serializers.CharField(max_length=500, required=False)
    threat = serializers.CharField(required=False, allow_blank=True)
    vulnerability = serializers.CharField(required=False, allow_blank=True)
    likelihood = serializers.IntegerField(min_value=1, max_value=100, required=False)
    impact = serializers.IntegerField(min_value=1, max_value=100, required=False)
    residual_likelihood = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True
    )
    residual_impact = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True)
    treatment = serializers.ChoiceField(choices=Risk.Treatment.values, required=False)
    treatment_plan = serializers.CharField(required=False, allow_blank=True)
    treatment_status = serializers.ChoiceField(choices=Risk.TreatmentStatus.values, required=False)
    owner = serializers.IntegerField(required=False, allow_null=True, help_text="a person id")
    due = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RiskAddSerializer(RiskChangeSerializer):
    """The options of `lakthan risk add`."""

    unit = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=500)
    likelihood = serializers.IntegerField(min_value=1, max_value=100)
    impact = serializers.IntegerField(min_value=1, max_value=100)
    treatment = serializers.ChoiceField(choices=Risk.Treatment.values)


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
            OpenApiParameter("system", str, description="a system's code"),
            OpenApiParameter("level", str, description="the current level (the residual one when assessed)"),
            OpenApiParameter("treatment", str, enum=Risk.Treatment.values),
            OpenApiParameter("status", str, description="open | closed | planned | in_progress | done"),
        ]
    ),
    create=extend_schema(request=RiskAddSerializer, responses={201: RiskSerializer}),
    partial_update=extend_schema(request=RiskChangeSerializer, responses=RiskSerializer),
)
class RiskViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = RiskSerializer
    lookup_field = "ref"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        request = self.request
        unit = access.unit_for(request.user, code) if (code := query_code(request, "unit")) else None
        system = None
        if code := query_code(request, "system"):
            system = System.objects.filter(code=code).first()
            if system is None:
                return Risk.objects.none()
        return register.list_risks(
            unit=unit,
            system=system,
            level=request.query_params.get("level") or None,
            treatment=request.query_params.get("treatment") or None,
            status=request.query_params.get("status") or None,
            within=access.visible_unit_ids(request.user),
        )

    def create(self, request, *args, **kwargs):
        data = RiskAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        unit = access.unit_for(request.user, v.pop("unit"))
        access.require(request.user, roles.MANAGE, unit)
        risk = register.add_risk(
            unit=unit,
            system=_system(request.user, v.pop("system", None)),
            owner=visible_person(request.user, v.pop("owner", None)),
            reason=v.pop("reason", ""),
            actor=actor_name(request.user),
            **v,
        )
        return Response(RiskSerializer(risk).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        risk = self.get_object()
        access.require(request.user, roles.MANAGE, risk.unit)
        data = RiskChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if "system" in v:
            v["system"] = _system(request.user, v["system"])
        if "owner" in v:
            v["owner"] = visible_person(request.user, v["owner"])
        reason = v.pop("reason", "")
        risk = register.update_risk(risk, actor=actor_name(request.user), reason=reason, **v)
        return Response(RiskSerializer(risk).data)


@extend_schema_field(OpenApiTypes.OBJECT)
class _Json(serializers.JSONField):
    pass


class MatrixSerializer(serializers.Serializer):
    name = serializers.CharField()
    sha256 = serializers.CharField()
    loaded_at = serializers.DateTimeField()
    title_th = serializers.CharField()
    title_en = serializers.CharField()
    likelihood = _Json(help_text='[{"value", "label_th", "label_en"}] lowest first')
    impact = _Json(help_text='[{"value", "label_th", "label_en"}] lowest first')
    levels = _Json(help_text='[{"code", "label_th", "label_en", "colour", "min_score", "rank"}] lowest first')
    cells = _Json(help_text='[{"likelihood", "impact", "level"}]: every cell with its level')
    high_from = serializers.CharField(help_text="the level from which a risk counts as high")


class RiskMatrixViewSet(viewsets.ViewSet):
    """The risk matrix in force (new risks are assessed on it; a risk keeps the one it was assessed on)."""

    @extend_schema(responses=MatrixSerializer)
    def list(self, request):
        row, matrix = register.active_matrix()
        body = {
            "name": row.name,
            "sha256": row.sha256,
            "loaded_at": row.loaded_at,
            "title_th": matrix.title_th,
            "title_en": matrix.title_en,
            "likelihood": [asdict(s) for s in matrix.likelihood],
            "impact": [asdict(s) for s in matrix.impact],
            "levels": [asdict(lv) for lv in matrix.levels],
            "cells": [
                {"likelihood": li, "impact": im, "level": matrix.level(li, im).code}
                for li in matrix.likelihood_values
                for im in matrix.impact_values
            ],
            "high_from": matrix.high_from,
        }
        return Response(MatrixSerializer(body).data)


ROUTES = [
    ("risks", RiskViewSet, "risk"),
    ("risk-matrix", RiskMatrixViewSet, "risk-matrix"),
]
