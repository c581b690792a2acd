"""Pages of the IT committee (item 7): the committees with their members, last meeting and the
current fiscal year's findings; a committee's page (order, members, meetings, the add-member form);
adding a committee with its order; the meetings; the meeting form a secretary fills in right after a
meeting; a meeting's page; the open resolutions with their follow-up; the record PDF.

Everyone who may see a unit reads its committees; adding and changing needs the collector's
capability (UPLOAD) in the committee's unit, as uploading its order and minutes does."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lakthan.committees.committee_forms import CommitteeForm, FollowUpForm, MeetingForm, MemberForm
from lakthan.committees.models import Committee, Meeting, Resolution
from lakthan.committees.services import committees as csvc
from lakthan.committees.services import meetings as msvc
from lakthan.committees.services import record
from lakthan.core import access, roles
from lakthan.core.dayfield import parse_day, typed_instant
from lakthan.core.errors import LakthanError
from lakthan.core.models import Person, Unit
from lakthan.core.services import actor_name
from lakthan.indicators.engines.periods import fiscal_year_bounds, fiscal_year_of
from lakthan.lib.timezones import BANGKOK

FINDINGS = {
    "no_committee": _("No IT committee"),
    "no_order": _("No appointing order"),
    "no_chair_or_secretary": _("No chair or secretary"),
    "not_met": _("Met fewer times than required"),
    "no_minutes": _("A meeting without minutes"),
    "overdue_resolution": _("A resolution past due and not done"),
}
CHANGE = roles.UPLOAD  # the collector's capability: upload the order and the minutes, record meetings


def _lang() -> str:
    return get_language() or "th"


def _visible(user):
    return csvc.committees_of(access.visible_unit_ids(user))


def visible_committee(user, pk: int) -> Committee:
    c = _visible(user).filter(pk=pk).first()
    if c is None:
        raise Http404(pk)
    return c


def _people(user):
    allowed = access.visible_unit_ids(user)
    people = Person.objects.select_related("unit").order_by("first_name_th", "last_name_th")
    return people if allowed is None else people.filter(unit_id__in=allowed)


def _current_fy() -> tuple[int, date, date]:
    fy = fiscal_year_of(timezone.now().astimezone(BANGKOK).date())
    start, end = fiscal_year_bounds(fy)
    return fy, start, end


def _counted(meetings):
    return meetings.annotate(
        n_present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
        n_absent=Count("attendance", filter=Q(attendance__present=False), distinct=True),
        n_resolutions=Count("resolutions", distinct=True),
    )


def _may_add(user) -> bool:
    return roles.scope(user, CHANGE) != set()


@login_required
def index(request):
    committees = list(_visible(request.user).prefetch_related("members__person"))
    fy, start, end = _current_fy()
    tree = access.visible_tree(request.user)
    tops = [unit for depth, unit in tree if depth == 0]
    findings = [
        {**f, "unit": unit, "label": FINDINGS[f["kind"]]}
        for unit in tops
        for f in record.committee_findings(unit, start, end)
    ]
    rows = []
    for c in committees:
        today = csvc.today()
        rows.append(
            {
                "committee": c,
                "members": csvc.members_on(c, today),
                "last": c.meetings.order_by("-held_at").first(),
            }
        )
    return render(
        request,
        "committees/index.html",
        {
            "rows": rows,
            "findings": findings,
            "fy": fy,
            "start": start,
            "end": end,
            "tops": tops,
            "may_add": _may_add(request.user),
        },
    )


@login_required
def committee_detail(request, pk: int):
    c = visible_committee(request.user, pk)
    may_change = roles.can(request.user, CHANGE, c.unit)
    form = None
    if may_change:
        form = MemberForm(request.POST or None, people=_people(request.user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            person = _people(request.user).filter(pk=int(data["person"])).first()
            try:
                if person is None:
                    raise Http404(data["person"])
                csvc.add_member(
                    c,
                    person,
                    data["role"],
                    position=data["position"],
                    since=data["since"],
                    until=data["until"],
                    actor=actor_name(request.user),
                )
            except LakthanError as exc:
                form.add_error(None, exc.message(_lang()))
            else:
                return redirect("committees:committee", pk=c.pk)
    elif request.method == "POST":
        raise PermissionDenied(CHANGE)
    meetings = _counted(c.meetings.select_related("minutes")).order_by("-held_at")
    return render(
        request,
        "committees/committee.html",
        {
            "c": c,
            "members": csvc.members_sorted(c),
            "today": csvc.today(),
            "meetings": meetings,
            "form": form,
            "may_change": may_change,
        },
    )


@login_required
def committee_add(request):
    allowed = roles.scope(request.user, CHANGE)
    if allowed is not None and not allowed:
        raise PermissionDenied(CHANGE)
    units = Unit.objects.all() if allowed is None else Unit.objects.filter(pk__in=allowed)
    form = CommitteeForm(request.POST or None, request.FILES or None, units=units.order_by("code"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = access.unit_for(request.user, data["unit"], CHANGE)
        actor = actor_name(request.user)
        from lakthan.evidence.services import removing_orphans

        try:
            with removing_orphans(), transaction.atomic():
                order = None
                if upload := data["order_file"]:
                    order = csvc.store_document(
                        unit,
                        upload,
                        upload.name,
                        kind="order",
                        title=f"คำสั่งแต่งตั้ง{data['name']}",
                        doc_no=data["order_no"],
                        doc_date=data["order_date"],
                        actor=actor,
                    )
                c = csvc.add_committee(
                    data["name"],
                    unit,
                    duties=data["duties"],
                    order=order,
                    appointed_on=data["appointed_on"],
                    meetings_per_round=data["meetings_per_round"],
                    actor=actor,
                )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("committees:committee", pk=c.pk)
    return render(request, "committees/committee_form.html", {"form": form})


@login_required
def meetings(request):
    rows = _counted(
        Meeting.objects.filter(committee__in=_visible(request.user))
        .select_related("committee", "minutes")
        .order_by("-held_at", "-pk")[:500]
    )
    mine = [c for c in _visible(request.user) if roles.can(request.user, CHANGE, c.unit)]
    return render(request, "committees/meetings.html", {"meetings": rows, "may_record": mine})


def _next_number(c: Committee) -> str:
    fy, start, end = _current_fy()
    held = record.meetings_in(c.unit, start, end)
    return f"{sum(m.committee_id == c.pk for m in held) + 1}/{fy}"


@login_required
def meeting_add(request, pk: int):
    c = visible_committee(request.user, pk)
    access.require(request.user, CHANGE, c.unit)
    members = csvc.members_on(c, csvc.today())
    initial = {"number": _next_number(c), "held_at": typed_instant(timezone.now())}
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        members=members,
        people=_people(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = actor_name(request.user)
        present, absent = form.attendance()
        from lakthan.evidence.services import removing_orphans

        try:
            with removing_orphans(), transaction.atomic():
                minutes = None
                if upload := data["minutes_file"]:
                    minutes = csvc.store_document(
                        c.unit,
                        upload,
                        upload.name,
                        kind="minutes",
                        title=f"รายงานการประชุม{c.name} ครั้งที่ {data['number']}",
                        doc_no=data["minutes_no"],
                        doc_date=data["minutes_date"],
                        actor=actor,
                    )
                meeting = msvc.add_meeting(
                    c,
                    number=data["number"],
                    held_at=data["held_at"],
                    place=data["place"],
                    agenda=data["agenda"],
                    minutes=minutes,
                    attendees=present,
                    absent=absent,
                    actor=actor,
                )
                people = {p.pk: p for p in _people(request.user)}
                for no, row in enumerate(form.resolutions(), 1):
                    msvc.add_resolution(
                        meeting,
                        number=no,
                        text=row["text"],
                        owner=people.get(row["owner"]) if row["owner"] else None,
                        due=row["due"],
                        actor=actor,
                    )
        except LakthanError as exc:
            form.add_error(None, exc.message(_lang()))
        else:
            return redirect("committees:meeting", pk=meeting.pk)
    return render(request, "committees/meeting_form.html", {"form": form, "c": c})


@login_required
def meeting_detail(request, pk: int):
    m = (
        Meeting.objects.filter(committee__in=_visible(request.user), pk=pk)
        .select_related("committee__unit", "minutes")
        .first()
    )
    if m is None:
        raise Http404(pk)
    attendance = list(m.attendance.select_related("member__person"))
    return render(
        request,
        "committees/meeting.html",
        {
            "m": m,
            "present": [a for a in attendance if a.present],
            "absent": [a for a in attendance if not a.present],
            "resolutions": m.resolutions.select_related("owner"),
            "may_change": roles.can(request.user, CHANGE, m.committee.unit),
            "statuses": Resolution.Status.choices,
        },
    )


@login_required
def resolutions(request):
    rows = (
        Resolution.objects.filter(
            meeting__committee__in=_visible(request.user),
            status__in=[Resolution.Status.OPEN, Resolution.Status.IN_PROGRESS],
        )
        .select_related("meeting__committee__unit", "owner")
        .order_by("due", "meeting__held_at", "number")
    )
    today = csvc.today()
    items = [
        {
            "r": r,
            "late": r.due is not None and r.due < today,
            "may_change": roles.can(request.user, CHANGE, r.meeting.committee.unit),
        }
        for r in rows
    ]
    return render(
        request,
        "committees/resolutions.html",
        {"items": items, "statuses": Resolution.Status.choices},
    )


@login_required
@require_POST
def follow_up(request, pk: int):
    r = (
        Resolution.objects.filter(meeting__committee__in=_visible(request.user), pk=pk)
        .select_related("meeting__committee__unit")
        .first()
    )
    if r is None:
        raise Http404(pk)
    access.require(request.user, CHANGE, r.meeting.committee.unit)
    form = FollowUpForm(request.POST)
    back = request.POST.get("next") or ""
    error = ""
    if form.is_valid():
        try:
            msvc.follow_up(
                r,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                actor=actor_name(request.user),
            )
        except LakthanError as exc:
            error = exc.message(_lang())
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if error:
        return render(request, "committees/error.html", {"message": error}, status=400)
    if back == "meeting":
        return redirect("committees:meeting", pk=r.meeting_id)
    return redirect("committees:resolutions")


def _day(request, name: str, label_th: str) -> date | None:
    try:
        return parse_day(request.GET.get(name), label_th, name)
    except LakthanError as exc:
        raise Http404(exc.message(_lang())) from None


@login_required
def record_pdf(request):
    unit = access.unit_for(request.user, request.GET.get("unit", ""))
    _fy, fy_start, fy_end = _current_fy()
    start = _day(request, "start", "วันเริ่ม") or fy_start
    end = _day(request, "end", "วันสิ้นสุด") or fy_end
    if end < start:
        raise Http404("end before start")
    pdf = record.meeting_record_pdf(unit, start, end)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="committee-{unit.code}-{start}-{end}.pdf"'
    return response
