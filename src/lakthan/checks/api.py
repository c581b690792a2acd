"""API of the checks: control check runs and their results."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from lakthan.checks.models import CheckRun
from lakthan.core import roles
from lakthan.core.api_access import ID, int_param


class CheckRunSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = CheckRun
        fields = [
            "id",
            "check_urn",
            "unit",
            "report",
            "period_start",
            "period_end",
            "status",
            "summary_th",
            "summary_en",
            "figures",
            "started_at",
            "finished_at",
            "trigger",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unit", str), OpenApiParameter("report", int)])
)
class CheckRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Control check runs and their results."""

    lookup_value_regex = ID
    serializer_class = CheckRunSerializer

    def get_queryset(self):
        qs = (
            CheckRun.objects.filter(roles.unit_filter(self.request.user, "unit"))
            .select_related("unit")
            .order_by("-started_at", "-pk")
        )
        if unit := self.request.query_params.get("unit"):
            qs = qs.filter(unit__code=unit)
        if (report := int_param(self.request, "report")) is not None:
            qs = qs.filter(report_id=report)
        return qs


ROUTES = [("checks", CheckRunViewSet, "check")]
