"""API endpoints. Every queryset is limited to the units the caller may see (lakthan.core.roles),
every change asks for the capability it needs, and every change goes through the domain services."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from lakthan.checks.models import CheckRun
from lakthan.core import roles
from lakthan.core.models import Unit
from lakthan.evidence import services as ev
from lakthan.evidence.models import Evidence
from lakthan.indicators import services as ind
from lakthan.indicators.models import CriterionResult, Indicator, IndicatorReport, Round
from lakthan.reports import services as reports
from lakthan.web import workflow

from . import serializers as s

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


MAX_ID = 2**62  # larger numbers cannot be row ids (and overflow SQLite's INTEGER)
ID = "[0-9]{1,18}"


def require(request, capability: str, unit) -> None:
    if not roles.can(request.user, roles.VIEW, unit):
        raise NotFound()
    if not roles.can(request.user, capability, unit):
        raise PermissionDenied(f"your role in {unit.code} does not allow '{capability}'")


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise NotFound(f"{name} must be a number") from None
    if not 0 <= number <= MAX_ID:
        raise NotFound(f"{name} is out of range")
    return number


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.UnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            Unit.objects.filter(roles.unit_filter(self.request.user, "pk"))
            .select_related("parent")
            .order_by("code")
        )


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator library (reference data, the same for every unit)."""

    lookup_value_regex = ID
    serializer_class = s.IndicatorSerializer
    queryset = (
        Indicator.objects.select_related("library")
        .prefetch_related("criteria")
        .order_by("library_id", "order", "pk")
    )


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unit", str), OpenApiParameter("fiscal_year", int)])
)
class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID
    serializer_class = s.RoundSerializer

    def get_queryset(self):
        qs = (
            Round.objects.filter(roles.unit_filter(self.request.user, "agreement__unit"))
            .select_related("agreement__unit")
            .prefetch_related("reports")
            .order_by("agreement__unit__code", "-agreement__fiscal_year", "months")
        )
        if unit := self.request.query_params.get("unit"):
            qs = qs.filter(agreement__unit__code=unit)
        if (fy := _int_param(self.request, "fiscal_year")) is not None:
            qs = qs.filter(agreement__fiscal_year=fy)
        return qs


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("unit", str)]))
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = s.ReportSerializer

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

    @extend_schema(request=s.ReportOpenSerializer, responses={200: s.ReportSerializer})
    def create(self, request):
        """The report of an indicator in a unit's round (created on first use, as the dashboard does)."""
        data = s.ReportOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = Unit.objects.filter(code=data.validated_data["unit"]).first()
        if unit is None:
            raise NotFound()
        require(request, roles.VIEW, unit)
        v = data.validated_data
        report = ind.get_report(unit, v["fiscal_year"], v["months"], v["indicator"])
        return Response(s.ReportSerializer(report).data)

    @extend_schema(request=s.ReportTextsSerializer, responses={200: s.ReportSerializer})
    def partial_update(self, request, pk=None):
        """The report form's texts (phone, actions taken, supporting factors, obstacles, suggestions)."""
        report = self.get_object()
        require(request, roles.EDIT_REPORT, self._unit(report))
        data = s.ReportTextsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = ind.update_report(report, actor=workflow.actor_name(request.user), **data.validated_data)
        return Response(s.ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=None, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        report = self.get_object()
        require(request, roles.SIGN, self._unit(report))
        ind.sign(report, workflow.person_of(request.user), actor=workflow.actor_name(request.user))
        return Response(s.ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=s.ReopenSerializer, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        report = self.get_object()
        require(request, roles.SIGN, self._unit(report))
        data = s.ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ind.reopen(
            report,
            workflow.person_of(request.user),
            data.validated_data["reason"],
            actor=workflow.actor_name(request.user),
        )
        return Response(s.ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=None, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Run the checks that feed the indicator, then propose each item's result."""
        report = self.get_object()
        require(request, roles.DECIDE, self._unit(report))
        workflow.propose(report, trigger="api")
        return Response(s.ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=None, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Take every item's proposal as its decision."""
        report = self.get_object()
        require(request, roles.DECIDE, self._unit(report))
        workflow.accept_proposals(report, workflow.actor_name(request.user))
        return Response(s.ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, enum=list(CONTENT_TYPES), required=True)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="download")
    def download(self, request, pk=None):
        """The report as DOCX, PDF or HTML."""
        report = self.get_object()
        fmt = request.query_params.get("fmt", "")
        if fmt not in CONTENT_TYPES:
            raise NotFound("format must be docx, pdf or html")
        response = HttpResponse(reports.render(report, fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="report-{report.pk}.{fmt}"'
        return response


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("report", int)]))
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = s.ResultSerializer

    def get_queryset(self):
        qs = (
            CriterionResult.objects.filter(
                roles.unit_filter(self.request.user, "report__round__agreement__unit")
            )
            .select_related("criterion", "report__round__agreement__unit")
            .order_by("report_id", "criterion__number")
        )
        if (report := _int_param(self.request, "report")) is not None:
            qs = qs.filter(report_id=report)
        return qs

    @extend_schema(request=s.ResultUpdateSerializer, responses={200: s.ResultSerializer})
    def partial_update(self, request, pk=None):
        """Decide an item's result."""
        result = self.get_object()
        require(request, roles.DECIDE, result.report.round.agreement.unit)
        data = s.ResultUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = ind.set_result(
            result.report,
            result.criterion.number,
            data.validated_data["status"],
            note=data.validated_data.get("note", ""),
            actor=workflow.actor_name(request.user),
        )
        return Response(s.ResultSerializer(updated).data)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("unit", str)]))
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = s.EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        qs = (
            Evidence.objects.filter(roles.unit_filter(self.request.user, "unit"))
            .select_related("unit")
            .prefetch_related("revisions", "links__criterion")
            .order_by("-pk")
        )
        if unit := self.request.query_params.get("unit"):
            qs = qs.filter(unit__code=unit)
        return qs

    @extend_schema(
        request={"multipart/form-data": s.EvidenceCreateSerializer}, responses={201: s.EvidenceSerializer}
    )
    def create(self, request):
        """Register evidence: a file (checked by content, size and name before anything is stored) or a link."""
        data = s.EvidenceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = Unit.objects.filter(code=v["unit"]).first()
        if unit is None:
            raise NotFound()
        require(request, roles.UPLOAD, unit)
        meta = ev.Metadata(
            title=v["title"],
            kind=v["kind"],
            doc_no=v.get("doc_no", ""),
            doc_date=v.get("doc_date"),
            effective_date=v.get("effective_date"),
            expiry_date=v.get("expiry_date"),
        )
        actor = workflow.actor_name(request.user)
        if v.get("file"):
            evidence = ev.add_file(unit, v["file"], v["file"].name, meta, actor=actor)
        else:
            evidence = ev.add_link(unit, v["url"], meta, actor=actor)
        return Response(
            s.EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.EvidenceLinkRequestSerializer, responses={200: s.EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Link the evidence to an item of a report of its unit (no item: to the report as a whole)."""
        return self._link(request, ev.link)

    @extend_schema(request=s.EvidenceLinkRequestSerializer, responses={200: s.EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def unlink(self, request, pk=None):
        return self._link(request, ev.unlink)

    def _link(self, request, operation):
        evidence = self.get_object()
        require(request, roles.LINK, evidence.unit)
        data = s.EvidenceLinkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = IndicatorReport.objects.filter(
            roles.unit_filter(request.user, "round__agreement__unit", roles.LINK),
            pk=data.validated_data["report"],
        ).first()
        if report is None:
            raise NotFound("no such report in a unit you may change")
        operation(evidence, report, data.validated_data["item"], actor=workflow.actor_name(request.user))
        return Response(s.EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("revision", int)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The stored file of a revision (the latest by default)."""
        from django.http import FileResponse

        evidence = self.get_object()
        number = _int_param(request, "revision")
        revisions = evidence.revisions.select_related("blob").order_by("-number")
        revision = revisions.filter(number=number).first() if number is not None else revisions.first()
        if revision is None or revision.blob is None:
            raise NotFound("no stored file")
        response = FileResponse(
            ev.blob_store().open(revision.blob_id),
            as_attachment=True,
            filename=revision.filename or f"evidence-{evidence.pk}",
            content_type="application/octet-stream",
        )
        response["X-Evidence-SHA256"] = revision.blob_id
        return response


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unit", str), OpenApiParameter("report", int)])
)
class CheckRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Control check runs and their results."""

    lookup_value_regex = ID
    serializer_class = s.CheckRunSerializer

    def get_queryset(self):
        qs = (
            CheckRun.objects.filter(roles.unit_filter(self.request.user, "unit"))
            .select_related("unit")
            .order_by("-started_at", "-pk")
        )
        if unit := self.request.query_params.get("unit"):
            qs = qs.filter(unit__code=unit)
        if (report := _int_param(self.request, "report")) is not None:
            qs = qs.filter(report_id=report)
        return qs
