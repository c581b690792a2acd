"""API of the indicators: the library, its versions, a unit's rounds, and each item's result."""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from lakthan.core import roles
from lakthan.core.api_access import ID, int_param, require
from lakthan.core.services import actor_name
from lakthan.indicators import libraries as libs
from lakthan.indicators import services as ind
from lakthan.indicators.models import Criterion, CriterionResult, Indicator, Library, LibraryVersion, Round


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = [
            "number",
            "urn",
            "title_th",
            "title_en",
            "explanation_th",
            "explanation_en",
            "guidance_th",
            "guidance_en",
            "level",
            "reconstructed",
            "check_urns",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    library = serializers.SlugRelatedField(slug_field="urn", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "urn", "code", "name_th", "name_en", "unit_th", "scheme", "library", "criteria"]


class RoundSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="agreement.unit.code", read_only=True)
    fiscal_year = serializers.IntegerField(source="agreement.fiscal_year", read_only=True)
    reports = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Round
        fields = ["id", "unit", "fiscal_year", "months", "reports"]


class ResultSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="criterion.number", read_only=True)

    class Meta:
        model = CriterionResult
        fields = [
            "id",
            "report",
            "item",
            "status",
            "proposed_status",
            "proposal_reason",
            "proposal_reason_en",
            "note",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = [
            "report",
            "proposed_status",
            "proposal_reason",
            "proposal_reason_en",
            "decided_by",
            "decided_at",
        ]


class ResultUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CriterionResult.Status.values)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator library (reference data, the same for every unit)."""

    lookup_value_regex = ID
    serializer_class = IndicatorSerializer
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
    serializer_class = RoundSerializer

    def get_queryset(self):
        qs = (
            Round.objects.filter(roles.unit_filter(self.request.user, "agreement__unit"))
            .select_related("agreement__unit")
            .prefetch_related("reports")
            .order_by("agreement__unit__code", "-agreement__fiscal_year", "months")
        )
        if unit := self.request.query_params.get("unit"):
            qs = qs.filter(agreement__unit__code=unit)
        if (fy := int_param(self.request, "fiscal_year")) is not None:
            qs = qs.filter(agreement__fiscal_year=fy)
        return qs


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("report", int)]))
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = ResultSerializer

    def get_queryset(self):
        qs = (
            CriterionResult.objects.filter(
                roles.unit_filter(self.request.user, "report__round__agreement__unit")
            )
            .select_related("criterion", "report__round__agreement__unit")
            .order_by("report_id", "criterion__number")
        )
        if (report := int_param(self.request, "report")) is not None:
            qs = qs.filter(report_id=report)
        return qs

    @extend_schema(request=ResultUpdateSerializer, responses={200: ResultSerializer})
    def partial_update(self, request, pk=None):
        """Decide an item's result."""
        result = self.get_object()
        require(request, roles.DECIDE, result.report.round.agreement.unit)
        data = ResultUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = ind.set_result(
            result.report,
            result.criterion.number,
            data.validated_data["status"],
            note=data.validated_data.get("note"),  # absent: the note stays
            actor=actor_name(request.user),
        )
        return Response(ResultSerializer(updated).data)


class LibraryVersionSerializer(serializers.ModelSerializer):
    library = serializers.SlugRelatedField(slug_field="urn", read_only=True)
    has_text = serializers.SerializerMethodField()

    class Meta:
        model = LibraryVersion
        fields = [
            "library",
            "number",
            "version",
            "sha256",
            "origin",
            "source_file",
            "loaded_at",
            "loaded_by",
            "has_text",
        ]

    def get_has_text(self, obj: LibraryVersion) -> bool:
        return bool(obj.content)


class LibrarySerializer(serializers.ModelSerializer):
    replaced_by = serializers.SlugRelatedField(slug_field="urn", read_only=True)
    current_version = serializers.SerializerMethodField()
    versions = LibraryVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Library
        fields = [
            "id",
            "urn",
            "name_th",
            "name_en",
            "fiscal_year",
            "current_version",
            "version",
            "origin",
            "replaced_by",
            "versions",
        ]

    def get_current_version(self, obj: Library) -> int | None:
        return max((v.number for v in obj.versions.all()), default=None)


class YamlTextRenderer(renderers.BaseRenderer):
    """A stored library version's file as it was loaded; anything else (an error) as JSON, which is YAML."""

    media_type = "application/yaml"
    format = "yaml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class LibraryViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator libraries and every version loaded (reference data, the same for every unit)."""

    lookup_value_regex = ID
    serializer_class = LibrarySerializer
    queryset = Library.objects.select_related("replaced_by").prefetch_related("versions").order_by("urn")

    @extend_schema(
        responses={
            (200, "application/json"): LibraryVersionSerializer,
            (200, "application/yaml"): OpenApiTypes.STR,
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="versions/(?P<number>[0-9]{1,9})",
        renderer_classes=[renderers.JSONRenderer, YamlTextRenderer],
    )
    def version(self, request, pk=None, number=None):
        """A stored version: its description as JSON, or with ?format=yaml (or Accept: application/yaml)
        the YAML file byte for byte as it was loaded."""
        library = self.get_object()
        version = library.versions.filter(number=int(number or 0)).select_related("library").first()
        if version is None:
            raise NotFound("no such version of this library")
        if request.accepted_renderer.format == "yaml":
            return Response(libs.version_bytes(version))
        return Response(LibraryVersionSerializer(version).data)


ROUTES = [
    ("libraries", LibraryViewSet, "library"),
    ("indicators", IndicatorViewSet, "indicator"),
    ("rounds", RoundViewSet, "round"),
    ("results", ResultViewSet, "result"),
]
