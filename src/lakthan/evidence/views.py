"""Evidence pages: the registers, upload (drag and drop or the file picker), metadata, revisions,
links, preview, download."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lakthan.core import access, params, roles
from lakthan.core.dayfield import parse_day
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.core.services import actor_name
from lakthan.evidence import search
from lakthan.evidence import services as ev
from lakthan.evidence.downloads import file_response, previewable
from lakthan.evidence.models import Evidence, EvidenceRevision
from lakthan.indicators import services as ind
from lakthan.indicators.models import Agreement, Round


@login_required
def evidence_index(request):
    tree = access.visible_tree(request.user)
    roots = [unit for depth, unit in tree if depth == 0]
    if not request.user.is_staff and len(roots) == 1:
        return redirect("evidence:evidence", code=roots[0].code)
    return render(request, "evidence/index.html", {"tree": tree})


PAGE_SIZE = 50  # register rows per page


@login_required
def evidence_register(request, code: str):
    unit = access.unit_for(request.user, code)
    today = timezone.localdate()
    query = params.text(request, "q", search.QUERY_MAX)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Evidence.Kind.values else ""
    evidence = search.register(unit, query, kind).prefetch_related(
        "revisions",
        "links__criterion",
        "links__report__indicator",
        "links__report__round__agreement__unit",
    )
    page = Paginator(evidence, PAGE_SIZE).get_page(params.integer(request, "page", 1, 10**6) or 1)
    rows = [_evidence_row(item, today) for item in page.object_list]
    can_upload = roles.can(request.user, roles.UPLOAD, unit)
    kept = {k: v for k, v in (("q", query), ("kind", kind)) if v}  # the filters every page link keeps
    return render(
        request,
        "evidence/register.html",
        {
            "unit": unit,
            "rows": rows,
            "page": page,
            "query": query,
            "kind": kind,
            "filters": urlencode(kept),
            "filtered": bool(kept),
            "total": Evidence.objects.filter(unit=unit).count(),
            "today": today,
            "can_upload": can_upload,
            "kinds": [(v, label) for v, label in Evidence.Kind.choices if v != Evidence.Kind.SYSTEM],
            "all_kinds": Evidence.Kind.choices,
            "targets": link_targets(unit) if can_upload and roles.can(request.user, roles.LINK, unit) else [],
        },
    )


def _evidence_row(evidence: Evidence, today) -> dict:
    revisions = sorted(evidence.revisions.all(), key=lambda r: r.number)
    links = sorted(evidence.links.all(), key=lambda link: link.pk)
    return {
        "evidence": evidence,
        "revision": revisions[-1] if revisions else None,
        "revision_count": len(revisions),
        "links": links,
        "expired": bool(evidence.expiry_date and evidence.expiry_date < today),
        "not_yet_effective": bool(evidence.effective_date and evidence.effective_date > today),
    }


def metadata_from(post) -> ev.Metadata:
    return ev.Metadata(
        title=post.get("title", ""),
        kind=post.get("kind", ""),
        doc_no=post.get("doc_no", ""),
        doc_date=parse_day(post.get("doc_date"), "วันที่หนังสือ", "document date"),
        effective_date=parse_day(post.get("effective_date"), "วันที่มีผล", "effective date"),
        expiry_date=parse_day(post.get("expiry_date"), "วันหมดอายุ", "expiry date"),
    )


def link_targets(unit) -> list[dict]:
    """Every (round, indicator, item) of the unit's agreements the evidence may be linked to."""
    targets = []
    for agreement in Agreement.objects.filter(unit=unit).prefetch_related("lines__indicator__criteria"):
        for line in agreement.lines.all():
            for months in sorted(Round.Months.values, reverse=True):  # the final round first
                for criterion in line.indicator.criteria.all():
                    targets.append(
                        {
                            "value": f"{agreement.fiscal_year}:{months}:{line.indicator.code}:{criterion.number}",
                            "fy": agreement.fiscal_year,
                            "months": months,
                            "code": line.indicator.code,
                            "number": criterion.number,
                        }
                    )
    return targets


def parse_target(unit, value: str):
    try:
        fy, months, code, number = value.split(":")
        if len(fy) > 4 or len(number) > 4:
            raise ValueError(value)
        return ind.get_report(unit, int(fy), int(months), code), int(number)
    except ValueError:
        raise InvalidInput("เป้าหมายการเชื่อมโยงไม่ถูกต้อง", "invalid link target") from None


@login_required
@require_POST
def evidence_upload(request, code: str):
    unit = access.unit_for(request.user, code, roles.UPLOAD)
    upload = request.FILES.get("file")
    actor = actor_name(request.user)
    try:
        meta = metadata_from(request.POST)
        if upload is not None:
            evidence = ev.add_file(unit, upload, upload.name, meta, actor=actor)
        elif request.POST.get("url", "").strip():
            evidence = ev.add_link(unit, request.POST["url"].strip(), meta, actor=actor)
        else:
            raise InvalidInput("ต้องเลือกไฟล์หรือระบุลิงก์", "choose a file or give a link")
        target = request.POST.get("target", "")
        if target:
            access.require(request.user, roles.LINK, unit)
            report, number = parse_target(unit, target)
            ev.link(evidence, report, number, actor=actor)
    except LakthanError as exc:
        messages.error(request, exc.message(get_language() or "th"))
        return redirect("evidence:evidence", code=unit.code)
    messages.success(request, _("The evidence was registered."))
    return redirect("evidence:evidence-detail", pk=evidence.pk)


def _evidence_for(request, pk: int, capability: str = roles.VIEW) -> Evidence:
    if pk > 2**62:
        raise Http404(pk)
    evidence = Evidence.objects.select_related("unit").filter(pk=pk).first()
    if evidence is None:
        raise Http404(pk)
    access.require(request.user, capability, evidence.unit)
    return evidence


@login_required
@require_http_methods(["GET", "POST"])
def evidence_detail(request, pk: int):
    evidence = _evidence_for(request, pk)
    unit = evidence.unit
    if request.method == "POST":
        action = request.POST.get("action")
        actor = actor_name(request.user)
        try:
            if action == "revise":
                access.require(request.user, roles.UPLOAD, unit)
                upload = request.FILES.get("file")
                ev.add_revision(
                    evidence,
                    stream=upload,
                    filename=upload.name if upload else "",
                    url=request.POST.get("url", "").strip(),
                    note=request.POST.get("note", ""),
                    actor=actor,
                )
                messages.success(request, _("A new revision was added."))
            elif action in ("link", "unlink"):
                access.require(request.user, roles.LINK, unit)
                report, number = parse_target(unit, request.POST.get("target", ""))
                (ev.link if action == "link" else ev.unlink)(evidence, report, number, actor=actor)
                messages.success(
                    request, _("The evidence was linked.") if action == "link" else _("The link was removed.")
                )
            else:
                raise InvalidInput("ไม่รู้จักคำสั่ง", "unknown action")
        except LakthanError as exc:
            messages.error(request, exc.message(get_language() or "th"))
        return redirect("evidence:evidence-detail", pk=evidence.pk)
    revisions = list(evidence.revisions.select_related("blob").order_by("-number"))
    current = revisions[0] if revisions else None
    system = evidence.kind == Evidence.Kind.SYSTEM
    links = evidence.links.select_related("criterion", "report__indicator", "report__round__agreement")
    today = timezone.localdate()
    return render(
        request,
        "evidence/detail.html",
        {
            "evidence": evidence,
            "unit": unit,
            "revisions": _history(evidence, revisions) if system else [(rev, None) for rev in revisions],
            "system": system,
            "check_urn": evidence.created_by.removeprefix("check:") if system else "",
            "current": current,
            "preview": previewable(current),
            "is_image": bool(current and current.blob_id and current.blob.content_type.startswith("image/")),
            "links": links,
            "targets": link_targets(unit),
            "caps": roles.capabilities(request.user, unit),
            "in_force": ev.is_current(evidence, today),
        },
    )


def _history(evidence: Evidence, revisions: list[EvidenceRevision]) -> list[tuple]:
    """Each revision of system evidence with the check run that stored it (None if not recorded)."""
    ids = {rev.pk: ev.run_id_of(rev) for rev in revisions}
    runs = {run.pk: run for run in evidence.unit.check_runs.filter(pk__in=[i for i in ids.values() if i])}
    return [(rev, runs.get(ids[rev.pk] or 0)) for rev in revisions]


@login_required
@require_GET
@xframe_options_sameorigin
def evidence_file(request, pk: int, number: int):
    evidence = _evidence_for(request, pk)
    if number > 2**31:
        raise Http404("revision")
    revision = (
        EvidenceRevision.objects.select_related("blob").filter(evidence=evidence, number=number).first()
    )
    if revision is None or revision.blob is None:
        raise Http404("revision")
    try:
        return file_response(revision, inline=request.GET.get("inline") == "1")
    except LakthanError:
        raise Http404("blob") from None
