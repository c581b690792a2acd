"""Retro-hunt pages: the hunts run so far and a form to start one (the rules in force or Sigma files
uploaded, over a period, on this machine; the worker runs it), and one hunt with the alerts it found
first. Starting a hunt asks for the capability to review alerts (monitoring.scope.may_hunt)."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakthan.core.dayfield import parse_day
from lakthan.core.errors import InvalidInput, LakthanError
from lakthan.monitoring import scope
from lakthan.monitoring.models import Alert, Hunt
from lakthan.monitoring.services import hunts as log_hunts

MAX_FILES = 200
MAX_FILE_BYTES = 1_000_000  # a Sigma rule is a few kilobytes


@login_required
def hunts(request):
    return render(
        request,
        "monitoring/hunts.html",
        {
            "hunts": Hunt.objects.all()[:100],
            "may_hunt": scope.may_hunt(request.user),
            "running": Hunt.objects.filter(status=Hunt.Status.RUNNING).exists(),
        },
    )


@login_required
@require_POST
def start(request):
    """Records the hunt and hands it to the worker; the hunt's page shows it running, then done."""
    if not scope.may_hunt(request.user):
        return HttpResponse(status=403)
    lang = request.LANGUAGE_CODE or "th"
    try:
        start_at, end_at = log_hunts.period(
            parse_day(request.POST.get("from"), "วันเริ่ม", "From", lang),
            parse_day(request.POST.get("to"), "วันสิ้นสุด", "To", lang),
        )
        sources = _uploaded(request) if request.POST.get("rules") == "files" else None
        hunt, sources, not_run = log_hunts.request_hunt(
            sources, start_at, end_at, actor=request.user.get_username()
        )
    except LakthanError as exc:
        messages.error(request, exc.message(lang))
        return redirect("monitoring:hunts")
    from lakthan.monitoring.tasks import run_hunt  # huey is imported by the pages that start jobs only

    run_hunt(hunt.pk, sources)
    for name, reason in not_run:
        messages.warning(request, _("Not run: %(file)s: %(reason)s") % {"file": name, "reason": reason})
    messages.success(request, _("Hunt started: the worker runs it; this page shows it when done."))
    return redirect("monitoring:hunt", pk=hunt.pk)


def _uploaded(request) -> list[tuple[str, str]]:
    files = request.FILES.getlist("files")
    if not files:
        raise InvalidInput("ยังไม่ได้เลือกไฟล์กฎ Sigma", "choose Sigma rule files (.yml) to hunt with")
    if len(files) > MAX_FILES:
        raise InvalidInput(f"ไฟล์กฎมากเกิน {MAX_FILES} ไฟล์", f"more than {MAX_FILES} rule files")
    out = []
    for f in files:
        if f.size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"ไฟล์ {f.name} ใหญ่เกินไปสำหรับกฎ Sigma", f"{f.name} is too large for a Sigma rule"
            )
        try:
            out.append((f.name, f.read().decode("utf-8")))
        except UnicodeDecodeError:
            raise InvalidInput(f"ไฟล์ {f.name} ไม่ใช่ข้อความ UTF-8", f"{f.name} is not UTF-8 text") from None
    return out


@login_required
def detail(request, pk: int):
    hunt = get_object_or_404(Hunt, pk=pk)
    found = list(scope.visible_alerts(request.user).filter(hunt=hunt)[:500])
    not_run = [line for line in hunt.error.splitlines() if line] if hunt.status == Hunt.Status.DONE else []
    return render(
        request,
        "monitoring/hunt.html",
        {
            "hunt": hunt,
            "rules": [{**r, "name": PurePath(r.get("file", "")).name} for r in hunt.rules],
            "alerts": found,
            "not_run": not_run,
            "dispositions": dict(Alert.Disposition.choices),
        },
    )
