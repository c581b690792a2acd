"""Item 4 through the API: /api/ops/usage/?unit=&from=&to= answers the `lakthan ops usage --json`
shape (the installations, usage per system, unit and Bangkok month, the silent installations) for a
unit the caller may see."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access
from lakthan.core.errors import InvalidInput
from lakthan.inventory.api import query_code, query_day
from lakthan.operations.services import usage as svc


class UsageViewSet(viewsets.ViewSet):
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
        """Systems installed and in use at every unit: events and distinct users per system, unit and
        month; the installations declared with no event in the period are listed as silent."""
        code = query_code(request, "unit")
        if not code:
            raise ValidationError({"unit": "required"})
        unit = access.unit_for(request.user, code)
        start, end = query_day(request, "from"), query_day(request, "to")
        try:
            result = svc.usage(unit, start, end)
        except InvalidInput as exc:
            raise ValidationError({"to": exc.message_en}) from None
        return Response({"unit": unit.code, "from": start.isoformat(), "to": end.isoformat(), **result})


ROUTES = [("ops/usage", UsageViewSet, "ops-usage")]
