"""The websites through the API (item 8): the website probes of the caller's units with their newest
check (``?unit=`` this unit and those below it), one website, and "check now" (POST, those who may
add evidence in the website's unit), all in the `ops site check --json` shape."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.inventory.api import unit_param
from lakthan.operations.models import Probe
from lakthan.operations.services import sites as svc


class SiteViewSet(viewsets.ViewSet):
    lookup_field = "name"
    lookup_value_regex = r"[^/]{1,80}"

    def _probe(self, name: str) -> Probe:
        probe = svc.website_probes().filter(name=name).first()
        if probe is None or not roles.can(self.request.user, roles.VIEW, probe.unit):
            raise Http404(name)
        return probe

    @extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")],
        responses={200: {"type": "array", "items": {"type": "object"}}},
        operation_id="ops_sites_list",
    )
    def list(self, request):
        probes = svc.website_probes(unit_param(request), access.visible_unit_ids(request.user))
        return Response([svc.site_status(p) for p in probes])

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def retrieve(self, request, name: str):
        return Response(svc.site_status(self._probe(name)))

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def check(self, request, name: str):
        probe = self._probe(name)
        access.require(request.user, roles.UPLOAD, probe.unit)
        check = svc.check_site(probe, actor=request.user.get_username())
        return Response(svc.site_status(probe, check), status=status.HTTP_201_CREATED)


ROUTES = [("ops/sites", SiteViewSet, "ops-site")]
