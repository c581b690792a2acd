"""Freshness through the API: ``/api/data/freshness/?unit=&as_of=`` answers the `lakthan data freshness
--json` rows of the units the caller may see; ``/api/data/freshness/table/?unit=&from=&to=`` the round's
table (current share, reads, quality) of a unit the caller may see."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access
from lakthan.core.errors import InvalidInput
from lakthan.data.services import freshness as svc
from lakthan.inventory.api import query_code, query_day, unit_param
from lakthan.lib.timezones import parse_instant


def _as_of(request):
    text = request.query_params.get("as_of") or ""
    if not text:
        return None
    try:
        moment = parse_instant(text)
    except ValueError:
        raise ValidationError({"as_of": "an ISO-8601 time is required"}) from None
    if moment > timezone.now():
        raise ValidationError({"as_of": "is in the future"})
    return moment


class FreshnessViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unit", str, description="this unit and those below it (default: every unit seen)"
            ),
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATETIME,
                description="the moment judged, ISO-8601 (default now; Bangkok when no offset)",
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        """Each active dataset: its last update, expected interval, and whether it is late (late_by_s)
        at the moment judged, from the newest reading at or before it; the last read's outcome."""
        moment = _as_of(request)
        return Response(svc.freshness(unit_param(request), moment, access.visible_unit_ids(request.user)))

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
    @action(detail=False, url_path="table")
    def table(self, request):
        """The round's table: per dataset its owner and order, reads and failed reads, the time-weighted
        share of the round it was current, late at the round's end, its quality rules' last results."""
        code = query_code(request, "unit")
        if not code:
            raise ValidationError({"unit": "required"})
        unit = access.unit_for(request.user, code)
        start, end = query_day(request, "from"), query_day(request, "to")
        try:
            rows = svc.freshness_table(unit, start, end)
        except InvalidInput as exc:
            raise ValidationError({"to": exc.message_en}) from None
        return Response({"unit": unit.code, "from": start.isoformat(), "to": end.isoformat(), "rows": rows})


ROUTES = [("data/freshness", FreshnessViewSet, "data-freshness")]
