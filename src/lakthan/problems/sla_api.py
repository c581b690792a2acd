"""Service levels through the API: /api/problems/sla/?unit=&from=&to= answers the
`lakthan problem sla --json` shape for a unit the caller may see; /api/problems/sla-targets/ lists
the targets in force and takes a new one (POST; an administrator or supervisor of a top-level unit);
/api/problems/calendar/?year= the work calendar in force with its holidays."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from lakthan.core import access
from lakthan.core.errors import InvalidInput
from lakthan.inventory.api import query_day
from lakthan.problems.services import sla as svc
from lakthan.problems.services.sla_summary import SEVERITY_EN, SEVERITY_TH, sla_summary
from lakthan.problems.sla_forms import may_manage


class SlaSummaryViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True, description="Unit code; with the units below it."),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day (Bangkok)."),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, required=True, description="Last day (Bangkok), included."
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        """Problems reported in the period against their service levels: problems, closed, open,
        within_sla, breached [{id, title, severity, unit, reported_at, due_at, fixed_at, over_s …}],
        no_sla, median_fix_s, months, by_severity."""
        code = request.query_params.get("unit", "").strip()[:40]
        if not code:
            raise ValidationError({"unit": "required"})
        unit = access.unit_for(request.user, code)
        start, end = query_day(request, "from"), query_day(request, "to")
        try:
            summary = sla_summary(unit, start, end, unit_ids=access.visible_unit_ids(request.user))
        except InvalidInput as exc:
            raise ValidationError({"to": exc.message_en}) from None
        return Response({"unit": unit.code, "from": start.isoformat(), "to": end.isoformat(), **summary})


class TargetSerializer(serializers.Serializer):
    severity = serializers.IntegerField(min_value=1, max_value=4)
    hours = serializers.IntegerField(min_value=1, max_value=svc.MAX_HOURS)
    business_hours = serializers.BooleanField(required=False, default=False)


def _target_row(severity: int, target) -> dict:
    return {
        "severity": severity,
        "label_th": SEVERITY_TH[severity],
        "label_en": SEVERITY_EN[severity],
        "hours": target.hours if target else None,
        "business_hours": target.business_hours if target else None,
        "set_by": target.set_by if target else None,
        "set_at": target.set_at.isoformat() if target else None,
    }


class SlaTargetViewSet(viewsets.ViewSet):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        """The target in force for each severity (hours null: not set)."""
        targets = svc.targets_in_force()
        return Response([_target_row(s, targets.get(s)) for s in (1, 2, 3, 4)])

    @extend_schema(request=TargetSerializer, responses={201: OpenApiTypes.OBJECT})
    def create(self, request):
        """A new target for a severity, for problems reported from now on."""
        if not may_manage(request.user):
            raise PermissionDenied("an administrator or supervisor of a top-level unit sets the targets")
        data = TargetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        target = svc.set_target(
            v["severity"], v["hours"], v["business_hours"], actor=request.user.get_username()
        )
        return Response(_target_row(target.severity, target), status=status.HTTP_201_CREATED)


class CalendarViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="only this year's holidays (C.E.)")],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        """The work calendar in force: office hours, workdays (Monday = 0), holidays."""
        year = request.query_params.get("year")
        if year is not None and not (year.isdigit() and 1900 <= int(year) <= 2600):
            raise ValidationError({"year": "a year such as 2013"})
        return Response(svc.calendar_info(int(year) if year else None))


ROUTES = [
    ("problems/sla", SlaSummaryViewSet, "problems-sla"),
    ("problems/sla-targets", SlaTargetViewSet, "problems-sla-target"),
    ("problems/calendar", CalendarViewSet, "problems-calendar"),
]
