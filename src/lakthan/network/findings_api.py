"""The network findings through the API: ``/api/network/findings/?unit=&as_of=&kind=``, the
`lakthan net findings --json` shape, of the units the caller may see."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access
from lakthan.core.dayfield import parse_day
from lakthan.inventory.api import unit_param
from lakthan.network.engines.findings import KINDS
from lakthan.network.services.findings import network_findings


class FindingsViewSet(viewsets.ViewSet):
    """Addresses seen and not registered, seen with another MAC, registered and not seen for
    LAKTHAN_NET_STALE_DAYS, outside the plan, registered more than once; sorted by kind then address."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="this unit and those below it"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="the day judged (default today)"),
            OpenApiParameter("kind", str, enum=list(KINDS)),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        as_of = parse_day(request.query_params.get("as_of"), "วันที่ตรวจ (as_of)", "as_of")
        kind = request.query_params.get("kind") or ""
        if kind and kind not in KINDS:
            raise ValidationError({"kind": f"one of {', '.join(KINDS)}"})
        found = network_findings(unit_param(request), as_of, access.visible_unit_ids(request.user))
        return Response([f for f in found if not kind or f["kind"] == kind])


ROUTES = [("network/findings", FindingsViewSet, "network-finding")]
