"""The problem log through the API: problems of the caller's units (list with filters, read with the
history, add), the changes as POST actions (assign, start, close, cancel, reopen) for those with the
collector's capability in the problem's unit, and the problem owners (list, add with an order already
registered, remove) — through the same services as the CLI and the pages, in the `problem show --json`
shape."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lakthan.core import access, roles
from lakthan.core.api_access import visible_person
from lakthan.core.services import actor_name
from lakthan.evidence.models import Evidence
from lakthan.inventory.api import query_code, visible_system
from lakthan.inventory.models import System
from lakthan.problems.models import Problem, ProblemOwner
from lakthan.problems.services import log, owners

CHANGE = roles.UPLOAD
STATUSES = ["unresolved", *Problem.Status.values]


class ProblemSerializer(serializers.BaseSerializer):
    def to_representation(self, instance):
        return log.as_dict(instance)


class ProblemAddSerializer(serializers.Serializer):
    """The options of `lakthan problem add`."""

    unit = serializers.CharField(max_length=40)
    system = serializers.CharField(max_length=80, required=False, allow_null=True, allow_blank=True)
    severity = serializers.IntegerField(min_value=1, max_value=4)
    title = serializers.CharField(max_length=500)
    reported_at = serializers.DateTimeField(help_text="ISO-8601; without an offset, Bangkok time")
    detail = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    reported_by = serializers.CharField(required=False, allow_blank=True, max_length=255)
    assignee = serializers.IntegerField(required=False, allow_null=True, help_text="a person id")


class AssignSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="a person id")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CloseSerializer(serializers.Serializer):
    fixed_at = serializers.DateTimeField()
    fix = serializers.CharField(max_length=10000)
    result = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="this unit and those below it"),
            OpenApiParameter("status", str, enum=STATUSES),
            OpenApiParameter("severity", int, description="1–4"),
            OpenApiParameter("from", str, description="reported from YYYY-MM-DD (Bangkok day)"),
            OpenApiParameter("to", str, description="reported up to YYYY-MM-DD, included"),
        ],
        responses={200: {"type": "array", "items": {"type": "object"}}},
        operation_id="problems_list",
    ),
    retrieve=extend_schema(responses={200: OpenApiTypes.OBJECT}),
    create=extend_schema(request=ProblemAddSerializer, responses={201: OpenApiTypes.OBJECT}),
)
class ProblemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProblemSerializer
    lookup_value_regex = r"[0-9]{1,12}"  # problems/owners/ is another route
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        request = self.request
        if self.action != "list":
            return log.list_problems(within=access.visible_unit_ids(request.user))
        unit = access.unit_for(request.user, code) if (code := query_code(request, "unit")) else None
        status_ = request.query_params.get("status") or None
        if status_ is not None and status_ not in STATUSES:
            raise ValidationError({"status": f"one of {', '.join(STATUSES)}"})
        dates = {}
        for name in ("from", "to"):
            dates[name] = serializers.DateField(allow_null=True).run_validation(
                request.query_params.get(name) or None
            )
        severity = serializers.IntegerField(min_value=1, max_value=4, allow_null=True).run_validation(
            request.query_params.get("severity") or None
        )
        return log.list_problems(
            unit,
            status=status_,
            severity=severity,
            start=dates["from"],
            end=dates["to"],
            within=access.visible_unit_ids(request.user),
        )

    def retrieve(self, request, *args, **kwargs):
        problem = self.get_object()
        return Response(
            {**log.as_dict(problem), "updates": [log.update_dict(u) for u in log.history(problem)]}
        )

    def create(self, request, *args, **kwargs):
        data = ProblemAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access.unit_for(request.user, v["unit"], CHANGE)
        problem = log.add_problem(
            unit,
            severity=v["severity"],
            title=v["title"],
            reported_at=v["reported_at"],
            system=visible_system(request.user, v.get("system")),
            detail=v.get("detail", ""),
            reported_by=v.get("reported_by", ""),
            assignee=visible_person(request.user, v.get("assignee"), "assignee"),
            actor=actor_name(request.user),
        )
        return Response(log.as_dict(problem), status=status.HTTP_201_CREATED)

    def _changing(self, serializer_class):
        problem = self.get_object()
        access.require(self.request.user, CHANGE, problem.unit)
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return problem, data.validated_data, actor_name(self.request.user)

    @extend_schema(request=AssignSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        problem, v, actor = self._changing(AssignSerializer)
        person = visible_person(request.user, v["person"], "person")
        return Response(log.as_dict(log.assign(problem, person, actor=actor, note=v.get("note", ""))))

    @extend_schema(request=NoteSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        problem, v, actor = self._changing(NoteSerializer)
        return Response(log.as_dict(log.start(problem, actor=actor, note=v.get("note", ""))))

    @extend_schema(request=CloseSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        problem, v, actor = self._changing(CloseSerializer)
        done = log.close_problem(
            problem, fixed_at=v["fixed_at"], fix=v["fix"], result=v.get("result", ""), actor=actor
        )
        return Response(log.as_dict(done))

    @extend_schema(request=ReasonSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        problem, v, actor = self._changing(ReasonSerializer)
        return Response(log.as_dict(log.cancel(problem, reason=v["reason"], actor=actor)))

    @extend_schema(request=ReasonSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        problem, v, actor = self._changing(ReasonSerializer)
        return Response(log.as_dict(log.reopen(problem, reason=v["reason"], actor=actor)))


class OwnerAddSerializer(serializers.Serializer):
    system = serializers.CharField(max_length=80)
    person = serializers.IntegerField(help_text="a person id")
    unit = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)
    since = serializers.DateField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)
    order = serializers.IntegerField(help_text="the order's evidence id (kind order), uploaded first")


def _owner_unit(owner_system: System, unit):
    return unit if unit is not None else owner_system.unit


class ProblemOwnerViewSet(viewsets.ViewSet):
    """The problem owners of the systems (the `problem owner list --json` shape)."""

    lookup_value_regex = r"[0-9]{1,12}"

    @extend_schema(
        responses={200: {"type": "array", "items": {"type": "object"}}}, operation_id="problems_owners_list"
    )
    def list(self, request):
        return Response(
            [owners.as_dict(o) for o in owners.list_owners(access.visible_unit_ids(request.user))]
        )

    @extend_schema(request=OwnerAddSerializer, responses={201: OpenApiTypes.OBJECT})
    def create(self, request):
        data = OwnerAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        system = visible_system(request.user, v["system"])
        assert system is not None
        unit = access.unit_for(request.user, v["unit"], CHANGE) if v.get("unit") else None
        access.require(request.user, CHANGE, _owner_unit(system, unit))
        allowed = access.visible_unit_ids(request.user)
        orders = Evidence.objects.filter(pk=v["order"])
        if allowed is not None:
            orders = orders.filter(unit_id__in=allowed)
        order = orders.first()
        if order is None:
            raise ValidationError({"order": f"no evidence {v['order']}"})
        owner = owners.add_owner(
            system,
            visible_person(request.user, v["person"], "person"),
            unit=unit,
            order=order,
            since=v.get("since"),
            until=v.get("until"),
            actor=actor_name(request.user),
        )
        return Response(owners.as_dict(owner), status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        owner = ProblemOwner.objects.select_related("system", "unit").filter(pk=pk).first()
        allowed = access.visible_unit_ids(request.user)
        visible = owner is not None and (
            allowed is None
            or ProblemOwner.objects.filter(
                Q(unit_id__in=allowed) | Q(unit__isnull=True, system__unit_id__in=allowed), pk=pk
            ).exists()
        )
        if not visible:
            raise Http404(pk)
        access.require(request.user, CHANGE, _owner_unit(owner.system, owner.unit))
        owners.remove_owner(owner, actor=actor_name(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


ROUTES = [
    ("problems/owners", ProblemOwnerViewSet, "problem-owner"),
    ("problems", ProblemViewSet, "problem"),
]
