"""The IT committee through the API (item 7): committees (list, read, add with its order, add a
member), meetings (list, read, record with attendance), resolutions (list, read, add, follow up) and
the round's findings. The shapes are those of `lakthan committee show --json` and `findings --json`.
Everyone who sees the unit reads; changes need the collector's capability (UPLOAD) in the
committee's unit, through the same services as the CLI and the pages."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from lakthan.committees.models import Committee, Meeting, Member, Resolution
from lakthan.committees.services import committees as csvc
from lakthan.committees.services import meetings as msvc
from lakthan.committees.services import record
from lakthan.core import access, roles
from lakthan.core.api_access import ID, int_param, visible_person
from lakthan.core.api_access import require as api_require
from lakthan.core.services import actor_name
from lakthan.evidence.models import Evidence
from lakthan.indicators.engines.periods import fiscal_year_bounds, fiscal_year_of
from lakthan.inventory.api import query_code
from lakthan.lib.timezones import BANGKOK, parse_instant

CHANGE = roles.UPLOAD


class InstantField(serializers.Field):
    """An ISO-8601 instant; without an offset it is read in Asia/Bangkok."""

    def to_internal_value(self, data):
        try:
            return parse_instant(str(data))
        except ValueError:
            raise ValidationError(f"'{str(data)[:40]}' is not an ISO-8601 time") from None

    def to_representation(self, value):
        return value.isoformat()


def _evidence(user, pk: int | None, field: str) -> Evidence | None:
    if pk is None:
        return None
    found = Evidence.objects.filter(roles.unit_filter(user), pk=pk).first()
    if found is None:
        raise ValidationError({field: f"no evidence {pk}"})
    return found


def _visible(user):
    return csvc.committees_of(access.visible_unit_ids(user))


def _committee(user, pk: int) -> Committee:
    c = _visible(user).filter(pk=pk).first()
    if c is None:
        raise ValidationError({"committee": f"no committee {pk}"})
    return c


class CommitteeAddSerializer(serializers.Serializer):
    """The options of `lakthan committee add` (the order is evidence already registered)."""

    name = serializers.CharField(max_length=255)
    unit = serializers.CharField(max_length=40)
    duties = serializers.CharField(required=False, allow_blank=True, default="")
    order = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="evidence id (kind order)"
    )
    appointed_on = serializers.DateField(required=False, allow_null=True, default=None)
    meetings_per_round = serializers.IntegerField(min_value=1, max_value=366, default=1)


class MemberAddSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="a person id")
    role = serializers.ChoiceField(choices=Member.Role.values, default="member")
    position = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    since = serializers.DateField(required=False, allow_null=True, default=None)
    until = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", str, description="this unit and those below it")],
        responses=OpenApiTypes.OBJECT,
    ),
    retrieve=extend_schema(responses=OpenApiTypes.OBJECT),
    create=extend_schema(request=CommitteeAddSerializer, responses={201: OpenApiTypes.OBJECT}),
)
class CommitteeViewSet(viewsets.ViewSet):
    lookup_value_regex = ID

    def list(self, request):
        qs = _visible(request.user)
        if code := query_code(request, "unit"):
            qs = qs.filter(unit_id__in=access.unit_for(request.user, code).descendant_ids())
        return Response([record.committee_data(c) for c in qs])

    def retrieve(self, request, pk=None):
        c = _visible(request.user).filter(pk=pk).first()
        if c is None:
            raise NotFound()
        return Response(record.committee_data(c, full=True))

    def create(self, request):
        data = CommitteeAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access.unit_for(request.user, v["unit"])
        api_require(request, CHANGE, unit)
        c = csvc.add_committee(
            v["name"],
            unit,
            duties=v["duties"],
            order=_evidence(request.user, v["order"], "order"),
            appointed_on=v["appointed_on"],
            meetings_per_round=v["meetings_per_round"],
            actor=actor_name(request.user),
        )
        return Response(record.committee_data(c, full=True), status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberAddSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        c = _visible(request.user).filter(pk=pk).first()
        if c is None:
            raise NotFound()
        api_require(request, CHANGE, c.unit)
        data = MemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        person = visible_person(request.user, v["person"], "person")
        m = csvc.add_member(
            c,
            person,
            v["role"],
            position=v["position"],
            since=v["since"],
            until=v["until"],
            actor=actor_name(request.user),
        )
        return Response(record.member_data(m), status=status.HTTP_201_CREATED)


class AbsentSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class MeetingAddSerializer(serializers.Serializer):
    """The options of `lakthan committee meeting` (minutes: evidence already registered)."""

    committee = serializers.IntegerField()
    number = serializers.CharField(max_length=40)
    held_at = InstantField()
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="evidence id (kind minutes)"
    )
    present = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=200
    )
    absent = AbsentSerializer(many=True, required=False, default=list)


def _meetings(user):
    return (
        Meeting.objects.filter(committee__in=_visible(user))
        .select_related("committee", "minutes")
        .prefetch_related("attendance__member__person", "resolutions__owner", "resolutions__meeting")
        .order_by("held_at", "pk")
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("committee", int),
            OpenApiParameter("unit", str, description="this unit and those below it"),
        ],
        responses=OpenApiTypes.OBJECT,
    ),
    retrieve=extend_schema(responses=OpenApiTypes.OBJECT),
    create=extend_schema(request=MeetingAddSerializer, responses={201: OpenApiTypes.OBJECT}),
)
class MeetingViewSet(viewsets.ViewSet):
    lookup_value_regex = ID

    def list(self, request):
        qs = _meetings(request.user)
        if (committee := int_param(request, "committee")) is not None:
            qs = qs.filter(committee_id=committee)
        if code := query_code(request, "unit"):
            qs = qs.filter(committee__unit_id__in=access.unit_for(request.user, code).descendant_ids())
        return Response([record.meeting_data(m) for m in qs[:1000]])

    def retrieve(self, request, pk=None):
        m = _meetings(request.user).filter(pk=pk).first()
        if m is None:
            raise NotFound()
        return Response(record.meeting_data(m))

    def create(self, request):
        data = MeetingAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        c = _committee(request.user, v["committee"])
        api_require(request, CHANGE, c.unit)
        day = v["held_at"].astimezone(BANGKOK).date()
        people = {
            p: csvc.member_for(c, visible_person(request.user, p, "present"), day) for p in v["present"]
        }
        absent = {
            csvc.member_for(c, visible_person(request.user, row["person"], "absent"), day): row["reason"]
            for row in v["absent"]
        }
        with transaction.atomic():
            m = msvc.add_meeting(
                c,
                number=v["number"],
                held_at=v["held_at"],
                place=v["place"],
                agenda=v["agenda"],
                minutes=_evidence(request.user, v["minutes"], "minutes"),
                attendees=list(people.values()),
                absent=absent,
                actor=actor_name(request.user),
            )
        return Response(
            record.meeting_data(_meetings(request.user).get(pk=m.pk)), status=status.HTTP_201_CREATED
        )


class ResolutionAddSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    number = serializers.IntegerField(min_value=1, max_value=999)
    text = serializers.CharField()
    owner = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="a person id")
    due = serializers.DateField(required=False, allow_null=True, default=None)


class FollowUpSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Resolution.Status.values)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def _resolutions(user):
    return (
        Resolution.objects.filter(meeting__committee__in=_visible(user))
        .select_related("meeting__committee__unit", "owner")
        .order_by("due", "meeting__held_at", "number")
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Resolution.Status.values),
            OpenApiParameter("committee", int),
        ],
        responses=OpenApiTypes.OBJECT,
    ),
    retrieve=extend_schema(responses=OpenApiTypes.OBJECT),
    create=extend_schema(request=ResolutionAddSerializer, responses={201: OpenApiTypes.OBJECT}),
)
class ResolutionViewSet(viewsets.ViewSet):
    lookup_value_regex = ID

    def list(self, request):
        qs = _resolutions(request.user)
        if wanted := request.query_params.get("status"):
            if wanted not in Resolution.Status.values:
                raise ValidationError({"status": ", ".join(Resolution.Status.values)})
            qs = qs.filter(status=wanted)
        if (committee := int_param(request, "committee")) is not None:
            qs = qs.filter(meeting__committee_id=committee)
        return Response([record.resolution_data(r) for r in qs[:2000]])

    def retrieve(self, request, pk=None):
        r = _resolutions(request.user).filter(pk=pk).first()
        if r is None:
            raise NotFound()
        return Response(record.resolution_data(r))

    def create(self, request):
        data = ResolutionAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        m = Meeting.objects.filter(committee__in=_visible(request.user), pk=v["meeting"]).first()
        if m is None:
            raise ValidationError({"meeting": f"no meeting {v['meeting']}"})
        api_require(request, CHANGE, m.committee.unit)
        r = msvc.add_resolution(
            m,
            number=v["number"],
            text=v["text"],
            owner=visible_person(request.user, v["owner"]),
            due=v["due"],
            actor=actor_name(request.user),
        )
        return Response(record.resolution_data(r), status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        r = _resolutions(request.user).filter(pk=pk).first()
        if r is None:
            raise NotFound()
        api_require(request, CHANGE, r.meeting.committee.unit)
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        msvc.follow_up(
            r,
            status=data.validated_data["status"],
            note=data.validated_data["note"],
            actor=actor_name(request.user),
        )
        return Response(record.resolution_data(r))


class FindingsViewSet(viewsets.ViewSet):
    """What the committee's record of a unit lacks in a round (default: the current fiscal year)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        code = query_code(request, "unit")
        if not code:
            raise ValidationError({"unit": "required"})
        unit = access.unit_for(request.user, code)
        start, end = fiscal_year_bounds(fiscal_year_of(timezone.now().astimezone(BANGKOK).date()))
        try:
            if text := request.query_params.get("from"):
                start = date_of(text)
            if text := request.query_params.get("to"):
                end = date_of(text)
        except ValueError:
            raise ValidationError({"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}) from None
        if end < start:
            raise ValidationError({"to": "before from"})
        return Response(
            {
                "unit": unit.code,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "findings": record.committee_findings(unit, start, end),
            }
        )


def date_of(text: str):
    from datetime import date

    return date.fromisoformat(text)


ROUTES = [
    ("committees/committees", CommitteeViewSet, "committees-committee"),
    ("committees/meetings", MeetingViewSet, "committees-meeting"),
    ("committees/resolutions", ResolutionViewSet, "committees-resolution"),
    ("committees/findings", FindingsViewSet, "committees-findings"),
]
