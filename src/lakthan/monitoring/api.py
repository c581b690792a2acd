"""Item 2 API: hosts, coverage per unit and period, alerts with their review, checkpoints and the last
verification. Every answer is limited to the caller's units (lakthan.core.roles); the review asks for
the same capability as the review page (monitoring.scope)."""

from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.api_access import ID
from lakthan.core.errors import NotFound as UnknownUnit
from lakthan.core.services import get_unit
from lakthan.monitoring import scope
from lakthan.monitoring.models import Alert, Checkpoint
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import coverage as log_coverage
from lakthan.monitoring.services import verification


class HostCoverageSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    last_event = serializers.DateTimeField(allow_null=True)
    events_per_day = serializers.FloatField()
    silent = serializers.BooleanField()
    events = serializers.IntegerField()
    days_reported = serializers.IntegerField()
    days_in_window = serializers.IntegerField()
    silent_periods = serializers.ListField(child=serializers.ListField(child=serializers.DateField()))
    seq_gaps = serializers.IntegerField()
    unparsed = serializers.IntegerField()
    per_day = serializers.DictField(child=serializers.IntegerField())


class CoverageSerializer(serializers.Serializer):
    unit = serializers.CharField(allow_null=True)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    window = serializers.ListField(child=serializers.DateField(), allow_null=True)
    hosts = HostCoverageSerializer(many=True)


class AlertSerializer(serializers.ModelSerializer):
    # the retro-hunt that found it first (null: detection), named in Thai, then English
    found_by_th = serializers.SerializerMethodField()
    found_by_en = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule_id",
            "rule_title",
            "level",
            "host",
            "count",
            "first",
            "last",
            "events",
            "events_truncated",
            "disposition",
            "note",
            "reviewed_by",
            "reviewed_at",
            "detected_at",
            "hunt",
            "found_by_th",
            "found_by_en",
        ]
        read_only_fields = fields

    def get_found_by_th(self, alert: Alert) -> str | None:
        return f"ล่าย้อนหลัง #{alert.hunt_id}" if alert.hunt_id else None

    def get_found_by_en(self, alert: Alert) -> str | None:
        return f"hunt #{alert.hunt_id}" if alert.hunt_id else None


class ReviewSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=Alert.Disposition.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["id", "size", "root", "origin", "note", "created_at"]


def require_some_unit(user) -> None:
    """Checkpoints and verification are about the whole store: any user who may see a unit reads them."""
    allowed = access.visible_unit_ids(user)
    if allowed is not None and not allowed:
        raise PermissionDenied("you may see no unit")


class CoverageViewSet(viewsets.ViewSet):
    """Coverage of a unit's hosts (and the units below it) over a period; every visible host without
    ``unit``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="unit code (default: every unit you may see)"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="first day (Asia/Bangkok)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (Asia/Bangkok)"),
        ],
        responses=CoverageSerializer,
    )
    def list(self, request):
        start, end = _date(request, "from"), _date(request, "to")
        if start and end and start > end:
            raise ValidationError({"from": "must not be after 'to'"})
        code = request.query_params.get("unit", "").strip()
        if code:
            unit = _visible_unit(request.user, code)
            cov = log_coverage.coverage(unit, start, end)
        else:
            cov = log_coverage.coverage(start=start, end=end, unit_ids=access.visible_unit_ids(request.user))
        data = {"unit": code or None, "start": start, "end": end, "window": cov.window, "hosts": cov.hosts}
        return Response(CoverageSerializer(data).data)


def _visible_unit(user, code: str):
    if "\x00" in code:
        raise NotFound(f"no unit {code!r}")
    try:
        unit = get_unit(code)
    except UnknownUnit:
        raise NotFound(f"no unit {code}") from None
    if not roles.can(user, roles.VIEW, unit):
        raise NotFound(f"no unit {code}")
    return unit


def _date(request, name: str) -> date | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: "a date, YYYY-MM-DD"}) from None


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Alerts on the caller's hosts, newest first; ``review`` records a disposition and a note."""

    serializer_class = AlertSerializer
    lookup_value_regex = ID

    def get_queryset(self):
        qs = scope.visible_alerts(self.request.user)
        state = self.request.query_params.get("state", "")
        if state in Alert.Disposition.values:
            qs = qs.filter(disposition=state)
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=Alert.Disposition.values, description="disposition")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReviewSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        alert = self.get_object()
        if not scope.may_review(request.user, alert):
            raise PermissionDenied("reviewing an alert needs the 'decide' capability in the host's unit")
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = log_alerts.set_disposition(
            alert.pk,
            body.validated_data["disposition"],
            body.validated_data["note"],
            actor=request.user.get_username(),
        )
        return Response(AlertSerializer(alert).data)


class CheckpointViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed checkpoints of the log (the whole store: one Merkle tree for every unit)."""

    serializer_class = CheckpointSerializer
    lookup_value_regex = ID

    def get_queryset(self):
        require_some_unit(self.request.user)
        return Checkpoint.objects.order_by("-size")


class VerificationViewSet(viewsets.ViewSet):
    """The last verification of the store against its signed checkpoints (null: never verified)."""

    @extend_schema(
        responses=inline_serializer(
            "Verification",
            {
                "intact": serializers.BooleanField(),
                "verified_at": serializers.DateTimeField(),
                "checkpoint": serializers.JSONField(),
                "events": serializers.IntegerField(),
                "problems": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def list(self, request):
        require_some_unit(request.user)
        report = verification.last_verification()
        if report is None:
            raise NotFound("the logs have not been verified yet")
        return Response(report)


ROUTES = [
    ("monitoring/coverage", CoverageViewSet, "monitoring-coverage"),
    ("monitoring/alerts", AlertViewSet, "monitoring-alert"),
    ("monitoring/checkpoints", CheckpointViewSet, "monitoring-checkpoint"),
    ("monitoring/verification", VerificationViewSet, "monitoring-verification"),
]


from lakthan.monitoring.hunt_api import ROUTES as HUNT_ROUTES  # noqa: E402  (retro-hunts)

ROUTES += HUNT_ROUTES
