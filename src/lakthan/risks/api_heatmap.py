"""The heat map and the trend through the API, as SVG or PNG (``?format=svg|png``; SVG when neither is
asked for). An error is JSON whatever picture was asked for."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from lakthan.core.errors import InvalidInput
from lakthan.inventory.api import unit_param
from lakthan.lib.timezones import parse_instant
from lakthan.risks.services import heatmap as svc


class SVGRenderer(BaseRenderer):
    media_type = "image/svg+xml"
    format = "svg"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PNGRenderer(SVGRenderer):
    media_type = "image/png"
    format = "png"


PICTURE = {(200, "image/svg+xml"): OpenApiTypes.BINARY, (200, "image/png"): OpenApiTypes.BINARY}
UNIT = OpenApiParameter("unit", str, required=True, description="Unit code; with the units below it.")


class HeatmapViewSet(viewsets.ViewSet):
    renderer_classes = [SVGRenderer, PNGRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):  # an error (a picture is an HttpResponse): JSON
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def _unit(self, request):
        unit = unit_param(request)  # a malformed code is a 400, never a database error
        if unit is None:
            raise InvalidInput("ต้องระบุหน่วยงาน (unit)", "unit is required")
        return unit

    @extend_schema(
        parameters=[
            UNIT,
            OpenApiParameter("residual", bool, description="Residual levels instead of inherent."),
            OpenApiParameter(
                "at", OpenApiTypes.DATETIME, description="The state as of this instant (ISO-8601)."
            ),
        ],
        responses=PICTURE,
    )
    def list(self, request):
        """The heat map of a unit's open risks: a cell per likelihood × impact, coloured by level."""
        unit = self._unit(request)
        at_text = request.query_params.get("at", "")
        try:
            at = parse_instant(at_text) if at_text else None
        except ValueError:
            raise InvalidInput(f"เวลา {at_text} ไม่ถูกต้อง", f"bad time {at_text} (ISO-8601)") from None
        residual = request.query_params.get("residual", "").lower() in ("1", "true", "yes")
        fmt = request.accepted_renderer.format
        return HttpResponse(
            svc.heatmap(unit, residual=residual, fmt=fmt, at=at), content_type=svc.FORMATS[fmt]
        )

    @extend_schema(
        parameters=[UNIT, OpenApiParameter("fy", int, required=True, description="Fiscal year, B.E.")],
        responses=PICTURE,
    )
    @action(detail=False, methods=["get"])
    def trend(self, request):
        """Open risks per level, inherent and residual, at the end of each round of the fiscal year."""
        unit = self._unit(request)
        try:
            fy = int(request.query_params.get("fy", ""))
        except ValueError:
            raise InvalidInput("ต้องระบุปีงบประมาณ (fy) เป็นปี พ.ศ.", "fy must be a B.E. year") from None
        fmt = request.accepted_renderer.format
        data = svc.trend(unit, svc.fiscal_year_rounds(unit, fy), fmt=fmt, title=svc.trend_title(unit, fy))
        return HttpResponse(data, content_type=svc.FORMATS[fmt])
