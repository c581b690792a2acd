"""API of the indicator reports: open, fill in, propose and decide, sign or reopen, download."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.http import FileResponse, HttpResponse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from lakthan.checks import services as checks
from lakthan.core import roles
from lakthan.core.api_access import ID, require, require_verified_session
from lakthan.core.models import Unit
from lakthan.core.services import actor_name, person_of
from lakthan.indicators import services as ind
from lakthan.indicators.api import ResultSerializer
from lakthan.indicators.models import IndicatorReport, Round
from lakthan.reports import issuing, sealing
from lakthan.reports import services as reports


class ScoreSerializer(serializers.Serializer):
    items_met = serializers.IntegerField()
    items_total = serializers.IntegerField()
    result_value = serializers.DecimalField(max_digits=14, decimal_places=4)
    score = serializers.DecimalField(max_digits=8, decimal_places=4)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    weighted_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    next_level = serializers.CharField()
    next_level_en = serializers.CharField()


class NoticeSerializer(serializers.Serializer):
    """Something newer than what a signed report pinned (reports.sealing.newer_than_signed)."""

    kind = serializers.CharField()
    th = serializers.CharField()
    en = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="round.agreement.unit.code", read_only=True)
    fiscal_year = serializers.IntegerField(source="round.agreement.fiscal_year", read_only=True)
    months = serializers.IntegerField(source="round.months", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    signed = serializers.BooleanField(source="is_signed", read_only=True)
    signed_by = serializers.CharField(source="signed_by.display_name", read_only=True, default=None)
    score = serializers.SerializerMethodField()
    results = ResultSerializer(many=True, read_only=True)
    pinned_sha256 = serializers.CharField(read_only=True)
    newer_than_signed = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorReport
        fields = [
            "id",
            "unit",
            "fiscal_year",
            "months",
            "indicator",
            "phone",
            "actions_taken",
            "supporting_factors",
            "obstacles",
            "suggestions",
            "measured_value",
            "signed",
            "signed_by",
            "signed_at",
            "score",
            "results",
            "pinned_sha256",
            "newer_than_signed",
        ]
        read_only_fields = fields

    @extend_schema_field(ScoreSerializer)
    def get_score(self, report) -> dict:
        return ScoreSerializer(ind.compute_score(report)).data

    @extend_schema_field(NoticeSerializer(many=True))
    def get_newer_than_signed(self, report) -> list[dict]:
        return [n.as_json() for n in sealing.newer_than_signed(report)]


class ReportOpenSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=40)
    fiscal_year = serializers.IntegerField(min_value=2400, max_value=2800)
    months = serializers.ChoiceField(choices=Round.Months.values)
    indicator = serializers.CharField(max_length=40)


class ReportTextsSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, allow_blank=True, max_length=120)
    actions_taken = serializers.ListField(
        child=serializers.CharField(max_length=5000), required=False, max_length=100
    )
    supporting_factors = serializers.ListField(
        child=serializers.CharField(max_length=5000), required=False, max_length=100
    )
    obstacles = serializers.ListField(
        child=serializers.CharField(max_length=5000), required=False, max_length=100
    )
    suggestions = serializers.ListField(
        child=serializers.CharField(max_length=5000), required=False, max_length=100
    )
    measured_value = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("unit", str)]))
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = ReportSerializer

    def get_queryset(self):
        qs = (
            IndicatorReport.objects.filter(roles.unit_filter(self.request.user, "round__agreement__unit"))
            .select_related("round__agreement__unit", "indicator", "signed_by")
            .prefetch_related("results__criterion")
            .order_by("pk")
        )
        if unit := self.request.query_params.get("unit"):
            qs = qs.filter(round__agreement__unit__code=unit)
        return qs

    def _unit(self, report) -> Unit:
        return report.round.agreement.unit

    def _fresh(self, report) -> Response:
        return Response(ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=ReportOpenSerializer, responses={200: ReportSerializer})
    def create(self, request):
        """The report of an indicator in a unit's round (created on first use, as the dashboard does)."""
        data = ReportOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = Unit.objects.filter(code=data.validated_data["unit"]).first()
        if unit is None:
            raise NotFound()
        require(request, roles.VIEW, unit)
        v = data.validated_data
        report = ind.get_report(unit, v["fiscal_year"], v["months"], v["indicator"])
        return Response(ReportSerializer(report).data)

    @extend_schema(request=ReportTextsSerializer, responses={200: ReportSerializer})
    def partial_update(self, request, pk=None):
        """The report form's texts (phone, actions taken, supporting factors, obstacles, suggestions)."""
        report = self.get_object()
        require(request, roles.EDIT_REPORT, self._unit(report))
        data = ReportTextsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = ind.update_report(report, actor=actor_name(request.user), **data.validated_data)
        return self._fresh(report)

    @extend_schema(request=None, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign the report: a browser session verified with TOTP only, never an API token (403)."""
        report = self.get_object()
        require(request, roles.SIGN, self._unit(report))
        require_verified_session(request, "signing a report", "การลงนามรายงาน")
        sealing.sign(report, person_of(request.user), actor=actor_name(request.user))
        return self._fresh(report)

    @extend_schema(request=ReopenSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a signed report with a reason: a TOTP-verified browser session only, never a token."""
        report = self.get_object()
        require(request, roles.SIGN, self._unit(report))
        require_verified_session(request, "reopening a signed report", "การเปิดรายงานที่ลงนามแล้ว")
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ind.reopen(
            report, person_of(request.user), data.validated_data["reason"], actor=actor_name(request.user)
        )
        return self._fresh(report)

    @extend_schema(request=None, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Run the checks that feed the indicator, then propose each item's result."""
        report = self.get_object()
        require(request, roles.DECIDE, self._unit(report))
        checks.run_and_propose(report, trigger="api")
        return self._fresh(report)

    @extend_schema(request=None, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Take every item's proposal as its decision."""
        report = self.get_object()
        require(request, roles.DECIDE, self._unit(report))
        ind.accept_proposals(report, actor_name(request.user))
        return self._fresh(report)

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, enum=list(reports.CONTENT_TYPES), required=True)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="download")
    def download(self, request, pk=None):
        """The report as DOCX, PDF or HTML."""
        report = self.get_object()
        fmt = request.query_params.get("fmt", "")
        if fmt not in reports.CONTENT_TYPES:
            raise NotFound("format must be docx, pdf or html")
        response = HttpResponse(reports.render(report, fmt), content_type=reports.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="report-{report.pk}.{fmt}"'
        return response

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="pack")
    def pack(self, request, pk=None):
        """The evidence pack (ZIP), signed with the agency's key; every pack issued is recorded."""
        report = self.get_object()
        name = f"report-{report.pk}-pack.zip"
        workdir = Path(tempfile.mkdtemp(prefix="lakthan-pack-"))
        try:
            out = workdir / "pack.zip"
            issuing.issue_pack(report, out, actor_name(request.user), filename=name)
            stream = open(out, "rb")  # noqa: SIM115 - FileResponse closes it; the open handle outlives the directory
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return FileResponse(stream, as_attachment=True, content_type="application/zip", filename=name)


class PackKeySerializer(serializers.Serializer):
    pem = serializers.CharField(help_text="the public key, PEM (SubjectPublicKeyInfo)")
    fingerprint = serializers.CharField(help_text="SHA-256 of the raw 32-byte Ed25519 public key, hex")


class _OneObject(AutoSchema):
    """The router names the endpoint's only action `list`; it answers one object, not a list."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class PackKeyViewSet(viewsets.ViewSet):
    """The agency's public pack-signing key, open to anyone (evaluators verify packs with it)."""

    schema = _OneObject()
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: PackKeySerializer})
    def list(self, request):
        key = issuing.public_key()
        return Response({"pem": key.pem().decode(), "fingerprint": key.fingerprint})


ROUTES = [("reports", ReportViewSet, "report"), ("pack-key", PackKeyViewSet, "pack-key")]
