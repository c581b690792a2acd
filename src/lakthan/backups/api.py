"""API of item 1: backup systems, runs, verifications, restore tests and compliance per unit and period.
Everything is limited to the caller's units (a system belongs to its inventory system's unit); adding
a backup system needs MANAGE in the unit and goes through the same service as the CLI."""

from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.backups.checks import judge
from lakthan.backups.models import BackupRun, BackupSystem, RestoreTest, Verification
from lakthan.backups.services import compliance as svc
from lakthan.backups.services.systems import CRITICALITY, add_system, policy_of
from lakthan.core import access, roles
from lakthan.core.api_access import ID
from lakthan.inventory.api import CODE, query_code
from lakthan.inventory.services import CODE_RE

# Policy windows are computed a month either side of a period: far from the ends of what `date` holds.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _scoped(qs, user, field: str):
    return qs.filter(roles.unit_filter(user, field))


class BackupSystemSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.CharField(source="system.unit.code", read_only=True)
    klass = serializers.CharField(source="system.klass", read_only=True)
    policy = serializers.SerializerMethodField()

    class Meta:
        model = BackupSystem
        fields = [
            "id",
            "name",
            "system",
            "unit",
            "klass",
            "source",
            "paths",
            "repository",
            "policy",
            "override_reason",
            "keep_daily",
            "keep_weekly",
            "keep_monthly",
            "in_service_from",
            "active",
            "created_at",
        ]  # never postgres_dsn (it may hold a password) nor the password file

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_policy(self, obj) -> dict:
        """{"min_per_window": n, "window": "iso_week" | "month" | "day"}: the override or the class default."""
        p = policy_of(obj)
        return {"min_per_window": p.min_per_window, "window": p.window}


class BackupSystemAddSerializer(serializers.Serializer):
    """The options of `lakthan backup system add`."""

    name = serializers.RegexField(CODE_RE, max_length=80)
    unit = serializers.CharField(max_length=40)
    klass = serializers.ChoiceField(choices=["intranet", "internet"])
    paths = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=64
    )
    postgres = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    sqlite = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    repo = serializers.CharField(required=False, allow_null=True, default=None, max_length=500)
    password_file = serializers.CharField(required=False, allow_null=True, default=None, max_length=500)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    importance = serializers.ChoiceField(choices=list(CRITICALITY), required=False, default="medium")
    min_per_window = serializers.IntegerField(
        min_value=1, max_value=1000, required=False, allow_null=True, default=None
    )
    window = serializers.ChoiceField(choices=["", "iso_week", "month", "day"], required=False, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    in_service_from = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")]
    ),
    create=extend_schema(request=BackupSystemAddSerializer, responses={201: BackupSystemSerializer}),
)
class BackupSystemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = BackupSystemSerializer
    lookup_field = "name"
    lookup_value_regex = CODE

    def get_queryset(self):
        qs = _scoped(BackupSystem.objects.select_related("system__unit"), self.request.user, "system__unit")
        if code := query_code(self.request, "unit"):
            qs = qs.filter(system__unit_id__in=access.unit_for(self.request.user, code).descendant_ids())
        return qs.order_by("name")

    def create(self, request, *args, **kwargs):
        data = BackupSystemAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access.unit_for(request.user, v["unit"])
        access.require(request.user, roles.MANAGE, unit)
        system = add_system(
            v["name"],
            unit=unit,
            klass=v["klass"],
            paths=v["paths"],
            postgres=v["postgres"],
            sqlite=v["sqlite"],
            repo=v["repo"],
            password_file=v["password_file"],
            title=v["title"],
            importance=v["importance"],
            min_per_window=v["min_per_window"],
            window=v["window"],
            override_reason=v["reason"],
            in_service_from=v["in_service_from"],
            actor=request.user.get_username(),
        )
        return Response(BackupSystemSerializer(system).data, status=status.HTTP_201_CREATED)


class _BySystem(viewsets.ReadOnlyModelViewSet):
    """Records of backup systems the caller may see, newest first; ?system=NAME for one system's."""

    model: type
    lookup_value_regex = ID

    def get_queryset(self):
        qs = _scoped(self.model.objects.select_related("system"), self.request.user, "system__system__unit")
        if name := query_code(self.request, "system"):
            qs = qs.filter(system__name=name)
        return qs


SYSTEM_PARAM = extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("system", str)]))


class RunSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = BackupRun
        fields = "__all__"


class VerificationSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Verification
        fields = "__all__"


class RestoreTestSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = RestoreTest
        fields = "__all__"


@SYSTEM_PARAM
class BackupRunViewSet(_BySystem):
    model = BackupRun
    serializer_class = RunSerializer


@SYSTEM_PARAM
class VerificationViewSet(_BySystem):
    model = Verification
    serializer_class = VerificationSerializer


@SYSTEM_PARAM
class RestoreTestViewSet(_BySystem):
    model = RestoreTest
    serializer_class = RestoreTestSerializer


def _date(request, name: str) -> date:
    value = request.query_params.get(name)
    if not value:
        raise ValidationError({name: "required (YYYY-MM-DD)"})
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: f"'{value[:40]}' is not a YYYY-MM-DD date"}) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError({name: f"the year must be between {FIRST_YEAR} and {LAST_YEAR}"})
    return day


def _row(r: svc.SystemRow) -> dict:
    c = r.compliance
    return {
        "system": r.system.name,
        "name_th": r.system.system.name_th,
        "class": r.system.system.klass,
        "policy": {"min_per_window": c.policy.min_per_window, "window": c.policy.window},
        "windows_judged": len(c.judged),
        "windows_met": sum(w.met for w in c.judged),
        "percent_met": c.percent_met,
        "missed": [
            {
                "start": w.start.isoformat(),
                "end": w.end.isoformat(),
                "actual": w.actual,
                "required": w.required,
            }
            for w in c.missed
        ],
        "last_verification": r.last_verification.started_at.isoformat() if r.last_verification else None,
        "verified": r.verified,
        "last_restore_test": r.last_restore.started_at.isoformat() if r.last_restore else None,
        "restored": r.restored,
    }


class ComplianceViewSet(viewsets.ViewSet):
    """Backup compliance of a unit (and the units below it) over a period, in Asia/Bangkok days."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        code = query_code(request, "unit")
        if not code:
            raise ValidationError({"unit": "required"})
        start, end = _date(request, "start"), _date(request, "end")
        unit = access.unit_for(request.user, code)
        rows = svc.unit_compliance(unit, start, end)  # a reversed or too long period: a domain error, 400
        verdict, _figures = judge(rows)
        return Response(
            {
                "unit": unit.code,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "status": verdict,
                "systems": [_row(r) for r in rows],
            }
        )


ROUTES = [
    ("backup-systems", BackupSystemViewSet, "backup-system"),
    ("backup-runs", BackupRunViewSet, "backup-run"),
    ("backup-verifications", VerificationViewSet, "backup-verification"),
    ("backup-restore-tests", RestoreTestViewSet, "backup-restore-test"),
    ("backup-compliance", ComplianceViewSet, "backup-compliance"),
]
