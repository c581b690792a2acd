"""API of the continuity records: targets per system, scenarios per unit, plan approvals. Reading is
limited to the caller's units; setting a target or a scenario needs MANAGE in the unit, approving a
plan DECIDE — through the same services as the CLI and the pages."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.models import Person
from lakthan.inventory.api import CODE, query_code
from lakthan.inventory.services import get_system
from lakthan.lib.durations import BadDuration, parse_duration
from lakthan.risks.engines.scenarios import KINDS
from lakthan.risks.models import ContinuityTarget, PlanApproval, Scenario
from lakthan.risks.services import continuity, plan


class TargetSerializer(serializers.ModelSerializer):
    system = serializers.CharField(source="system.code", read_only=True)
    unit = serializers.CharField(source="system.unit.code", read_only=True)
    criticality = serializers.IntegerField(source="system.criticality", read_only=True)
    depends_on = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ContinuityTarget
        fields = [
            "system",
            "unit",
            "criticality",
            "rto_s",
            "rpo_s",
            "mtd_s",
            "depends_on",
            "manual_procedure",
            "updated_by",
            "updated_at",
        ]


@extend_schema_field(OpenApiTypes.STR)
class DurationField(serializers.Field):
    """A duration as people write it (``4h``, ``1d12h``) or a whole number of seconds."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        if not isinstance(data, str) or len(data) > 40:
            raise ValidationError("a duration such as 30m, 4h or 1d, or seconds")
        try:
            return parse_duration(data)
        except BadDuration:
            raise ValidationError("not a duration such as 30m, 4h or 1d") from None

    def to_representation(self, value):
        return value


class TargetSetSerializer(serializers.Serializer):
    system = serializers.CharField(max_length=80)
    rto = DurationField()
    rpo = DurationField()
    mtd = DurationField(required=False, allow_null=True, default=None)
    depends_on = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, default=list
    )
    manual_procedure = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")]
    ),
    create=extend_schema(request=TargetSetSerializer, responses={201: TargetSerializer}),
)
class TargetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Continuity targets; POST sets (or replaces) a system's target."""

    serializer_class = TargetSerializer
    lookup_field = "system__code"
    lookup_url_kwarg = "system"
    lookup_value_regex = CODE

    def get_queryset(self):
        qs = continuity.targets(access.visible_unit_ids(self.request.user))
        if code := query_code(self.request, "unit"):
            qs = qs.filter(system__unit_id__in=access.unit_for(self.request.user, code).descendant_ids())
        return qs.order_by("system__code")

    def create(self, request, *args, **kwargs):
        data = TargetSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        system = get_system(v["system"])
        access.require(request.user, roles.MANAGE, system.unit)
        target = continuity.set_target(
            system,
            rto_s=v["rto"],
            rpo_s=v["rpo"],
            mtd_s=v["mtd"],
            depends_on=v["depends_on"],
            manual_procedure=v["manual_procedure"],
            actor=request.user.get_username(),
        )
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    role = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=80)


class ScenarioSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    systems = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    steps = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "id",
            "unit",
            "kind",
            "title",
            "steps",
            "contacts",
            "alternate_site",
            "systems",
            "updated_by",
            "updated_at",
        ]


class ScenarioSetSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=list(KINDS))
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    steps = serializers.ListField(child=serializers.CharField(max_length=2000), min_length=1, max_length=200)
    contacts = ContactSerializer(many=True)
    alternate_site = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    systems = serializers.ListField(child=serializers.CharField(max_length=80), required=False, default=list)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")]
    ),
    create=extend_schema(request=ScenarioSetSerializer, responses={201: ScenarioSerializer}),
)
class ScenarioViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Crisis scenarios; POST sets (or replaces) a unit's scenario of a kind."""

    serializer_class = ScenarioSerializer

    def get_queryset(self):
        qs = Scenario.objects.filter(roles.unit_filter(self.request.user, "unit")).select_related("unit")
        if code := query_code(self.request, "unit"):
            qs = qs.filter(unit_id__in=access.unit_for(self.request.user, code).descendant_ids())
        return qs.prefetch_related("systems").order_by("unit__code", "kind")

    def create(self, request, *args, **kwargs):
        data = ScenarioSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access.unit_for(request.user, v["unit"], roles.MANAGE)
        scenario = continuity.set_scenario(
            unit,
            v["kind"],
            steps=v["steps"],
            contacts=[dict(c) for c in v["contacts"]],
            alternate_site=v["alternate_site"],
            systems=v["systems"],
            title=v["title"],
            actor=request.user.get_username(),
        )
        return Response(ScenarioSerializer(scenario).data, status=status.HTTP_201_CREATED)


class PlanApprovalSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    approved_by = serializers.IntegerField(source="approved_by_id", read_only=True)
    approved_by_name = serializers.CharField(source="approved_by.display_name", read_only=True)
    intact = serializers.SerializerMethodField()

    class Meta:
        model = PlanApproval
        fields = [
            "id",
            "unit",
            "fiscal_year",
            "version",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "docx_sha256",
            "pdf_sha256",
            "note",
            "recorded_by",
            "intact",
        ]

    def get_intact(self, obj) -> bool:
        """Both stored documents are present and still hash to their SHA-256."""
        return not plan.verify_approval(obj)


class PlanApproveSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=40)
    fiscal_year = serializers.IntegerField(min_value=plan.FIRST_FY, max_value=plan.LAST_FY)
    approver = serializers.IntegerField(help_text="the approving person's id")
    approved_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="this unit and those below it"),
            OpenApiParameter("fy", int, description="fiscal year B.E."),
        ]
    ),
    create=extend_schema(request=PlanApproveSerializer, responses={201: PlanApprovalSerializer}),
)
class PlanApprovalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Approvals of the continuity plan; POST approves the plan as it stands now (DECIDE)."""

    serializer_class = PlanApprovalSerializer

    def get_queryset(self):
        qs = PlanApproval.objects.filter(roles.unit_filter(self.request.user, "unit"))
        if code := query_code(self.request, "unit"):
            qs = qs.filter(unit_id__in=access.unit_for(self.request.user, code).descendant_ids())
        if fy := self.request.query_params.get("fy"):
            if not fy.isdigit():
                raise ValidationError({"fy": "a B.E. year"})
            qs = qs.filter(fiscal_year=int(fy))
        return qs.select_related("unit", "approved_by").order_by("unit__code", "-fiscal_year", "-version")

    def create(self, request, *args, **kwargs):
        data = PlanApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access.unit_for(request.user, v["unit"], roles.DECIDE)
        approver = Person.objects.filter(pk=v["approver"]).first()
        if approver is None:
            raise ValidationError({"approver": "no such person"})
        approval = plan.approve_plan(
            unit,
            v["fiscal_year"],
            approver=approver,
            approved_at=v["approved_at"],
            note=v["note"],
            actor=request.user.get_username(),
        )
        return Response(PlanApprovalSerializer(approval).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("continuity-targets", TargetViewSet, "continuity-target"),
    ("continuity-scenarios", ScenarioViewSet, "continuity-scenario"),
    ("continuity-plan-approvals", PlanApprovalViewSet, "continuity-plan-approval"),
]
