"""API of the evidence: registers, uploads (checked before anything is stored), links, files."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from lakthan.core import roles
from lakthan.core.api_access import ID, int_param, require
from lakthan.core.models import Unit
from lakthan.core.services import actor_name
from lakthan.evidence import services as ev
from lakthan.evidence.downloads import file_response
from lakthan.evidence.models import Evidence, EvidenceLink, EvidenceRevision
from lakthan.indicators.models import IndicatorReport


class RevisionSerializer(serializers.ModelSerializer):
    sha256 = serializers.CharField(source="blob_id", read_only=True, default=None)

    class Meta:
        model = EvidenceRevision
        fields = ["number", "sha256", "url", "filename", "note", "created_at", "created_by"]


class LinkSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="criterion.number", read_only=True, default=None)

    class Meta:
        model = EvidenceLink
        fields = ["id", "report", "item", "created_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    revisions = RevisionSerializer(many=True, read_only=True)
    links = LinkSerializer(many=True, read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "unit",
            "title",
            "kind",
            "doc_no",
            "doc_date",
            "effective_date",
            "expiry_date",
            "created_at",
            "created_by",
            "revisions",
            "links",
        ]
        read_only_fields = fields


class EvidenceCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=2000)
    kind = serializers.ChoiceField(choices=[k for k in Evidence.Kind.values if k != "system"])
    doc_no = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    doc_date = serializers.DateField(required=False, allow_null=True, default=None)
    effective_date = serializers.DateField(required=False, allow_null=True, default=None)
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.FileField(required=False, allow_empty_file=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=1000)

    def validate(self, attrs):
        if not attrs.get("file") and not attrs.get("url"):
            raise serializers.ValidationError("send a file or a url")
        return attrs


class EvidenceLinkRequestSerializer(serializers.Serializer):
    report = serializers.IntegerField(min_value=1, max_value=2**62)
    item = serializers.IntegerField(
        min_value=1, max_value=10_000, required=False, allow_null=True, default=None
    )


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("unit", str)]))
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = EvidenceSerializer
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
        request={"multipart/form-data": EvidenceCreateSerializer}, responses={201: EvidenceSerializer}
    )
    def create(self, request):
        """Register evidence: a file (checked by content, size and name before anything is stored) or a link."""
        data = EvidenceCreateSerializer(data=request.data)
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
        actor = actor_name(request.user)
        if v.get("file"):
            evidence = ev.add_file(unit, v["file"], v["file"].name, meta, actor=actor)
        else:
            evidence = ev.add_link(unit, v["url"], meta, actor=actor)
        return Response(
            EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=EvidenceLinkRequestSerializer, responses={200: EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Link the evidence to an item of a report of its unit (no item: to the report as a whole)."""
        return self._link(request, ev.link)

    @extend_schema(request=EvidenceLinkRequestSerializer, responses={200: EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def unlink(self, request, pk=None):
        return self._link(request, ev.unlink)

    def _link(self, request, operation):
        evidence = self.get_object()
        require(request, roles.LINK, evidence.unit)
        data = EvidenceLinkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = IndicatorReport.objects.filter(
            roles.unit_filter(request.user, "round__agreement__unit", roles.LINK),
            pk=data.validated_data["report"],
        ).first()
        if report is None:
            raise NotFound("no such report in a unit you may change")
        operation(evidence, report, data.validated_data["item"], actor=actor_name(request.user))
        return Response(EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("revision", int)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The stored file of a revision (the latest by default)."""
        evidence = self.get_object()
        number = int_param(request, "revision")
        revisions = evidence.revisions.select_related("blob").order_by("-number")
        revision = revisions.filter(number=number).first() if number is not None else revisions.first()
        if revision is None or revision.blob is None:
            raise NotFound("no stored file")
        return file_response(revision)


ROUTES = [("evidence", EvidenceViewSet, "evidence")]
