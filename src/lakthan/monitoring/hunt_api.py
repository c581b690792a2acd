"""Retro-hunts in the API: the hunts run so far, one hunt with the alerts it found first (those on the
caller's hosts), and POST to start a hunt with the rules in force over a period (202 with its id; the
worker runs it). Starting one asks for the capability to review alerts, as the page does."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from lakthan.core.api_access import ID
from lakthan.core.errors import LakthanError
from lakthan.monitoring import scope

# (api.py imports this module at its end, once AlertSerializer and require_some_unit are defined)
from lakthan.monitoring.api import AlertSerializer, require_some_unit
from lakthan.monitoring.models import Hunt
from lakthan.monitoring.services import hunts as log_hunts


class HuntRuleSerializer(serializers.Serializer):
    rule_id = serializers.CharField()
    title = serializers.CharField()
    level = serializers.CharField()
    file = serializers.CharField()


class HuntSerializer(serializers.ModelSerializer):
    rules = HuntRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Hunt
        fields = [
            "id",
            "status",
            "engine",
            "master",
            "segments_url",
            "start",
            "end",
            "rules",
            "rules_sha256",
            "segments",
            "alerts",
            "new_alerts",
            "error",
            "started_by",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class HuntDetailSerializer(HuntSerializer):
    found = serializers.SerializerMethodField()

    class Meta(HuntSerializer.Meta):
        fields = [*HuntSerializer.Meta.fields, "found"]
        read_only_fields = fields

    @extend_schema_field(AlertSerializer(many=True))
    def get_found(self, hunt: Hunt) -> list[dict]:
        """The alerts this hunt found first, those on the caller's hosts."""
        visible = scope.visible_alerts(self.context["request"].user).filter(hunt=hunt)
        return AlertSerializer(visible, many=True).data


class StartSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, allow_null=True, help_text="first day (Asia/Bangkok)")
    end = serializers.DateField(required=False, allow_null=True, help_text="last day, included")

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise ValidationError({"start": "must not be after 'end'"})
        return attrs


class HuntViewSet(viewsets.ReadOnlyModelViewSet):
    """Retro-hunts, newest first; ``create`` starts one with the rules in force over a period."""

    lookup_value_regex = ID
    queryset = Hunt.objects.all()

    def get_serializer_class(self):
        return HuntDetailSerializer if self.action == "retrieve" else HuntSerializer

    def get_queryset(self):
        require_some_unit(self.request.user)
        return Hunt.objects.all()

    @extend_schema(
        request=StartSerializer,
        responses={
            202: inline_serializer(
                "HuntStarted", {"id": serializers.IntegerField(), "status": serializers.CharField()}
            )
        },
    )
    def create(self, request):
        if not scope.may_hunt(request.user):
            raise PermissionDenied("starting a hunt needs the 'decide' capability (as reviewing alerts)")
        body = StartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        start, end = log_hunts.period(body.validated_data.get("start"), body.validated_data.get("end"))
        try:
            hunt, sources, _ = log_hunts.request_hunt(None, start, end, actor=request.user.get_username())
        except LakthanError as exc:
            raise ValidationError({"detail": exc.message("en")}) from None
        from lakthan.monitoring.tasks import run_hunt  # huey is imported by the requests that start jobs

        run_hunt(hunt.pk, sources)
        return Response({"id": hunt.pk, "status": hunt.status}, status=status.HTTP_202_ACCEPTED)


ROUTES = [("monitoring/hunts", HuntViewSet, "monitoring-hunt")]
