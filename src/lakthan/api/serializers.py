"""API serializers: what each object looks like, and what a request may send."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lakthan.checks.models import CheckRun
from lakthan.core.models import Unit
from lakthan.evidence.models import Evidence, EvidenceLink, EvidenceRevision
from lakthan.indicators.models import Criterion, CriterionResult, Indicator, IndicatorReport, Round


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name_th", "name_en", "abbreviation_th", "kind", "parent"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["number", "urn", "title_th", "title_en", "level", "reconstructed", "check_urns"]


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
            "note",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = ["report", "proposed_status", "proposal_reason", "decided_by", "decided_at"]


class ResultUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CriterionResult.Status.values)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ScoreSerializer(serializers.Serializer):
    items_met = serializers.IntegerField()
    items_total = serializers.IntegerField()
    result_value = serializers.DecimalField(max_digits=14, decimal_places=4)
    score = serializers.DecimalField(max_digits=8, decimal_places=4)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    weighted_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    next_level = serializers.CharField()
    next_level_en = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="round.agreement.unit.code", read_only=True)
    fiscal_year = serializers.IntegerField(source="round.agreement.fiscal_year", read_only=True)
    months = serializers.IntegerField(source="round.months", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    signed = serializers.BooleanField(source="is_signed", read_only=True)
    signed_by = serializers.CharField(source="signed_by.display_name", read_only=True, default=None)
    score = serializers.SerializerMethodField()
    results = ResultSerializer(many=True, read_only=True)

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
        ]
        read_only_fields = fields

    @extend_schema_field(ScoreSerializer)
    def get_score(self, report) -> dict:
        from lakthan.indicators.services import compute_score

        s = compute_score(report)
        return ScoreSerializer(s).data


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


class CheckRunSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = CheckRun
        fields = [
            "id",
            "check_urn",
            "unit",
            "report",
            "period_start",
            "period_end",
            "status",
            "summary_th",
            "summary_en",
            "figures",
            "started_at",
            "finished_at",
            "trigger",
        ]
        read_only_fields = fields
