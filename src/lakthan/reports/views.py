"""Report pages: an indicator report of a unit's round as DOCX, PDF or HTML, and its evidence pack."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_GET

from lakthan.core import access
from lakthan.core.pages import shows_domain_errors
from lakthan.core.services import actor_name
from lakthan.indicators.models import Round
from lakthan.indicators.services import get_report
from lakthan.reports import issuing
from lakthan.reports import services as reports


def _report(request, code: str, fy: int, months: int, indicator: str):
    unit = access.unit_for(request.user, code)
    if months not in Round.Months.values:
        raise Http404("round")
    return get_report(unit, fy, months, indicator)


def _download_name(code: str, fy: int, months: int, indicator: str, suffix: str) -> str:
    return f"{code}-FY{fy}-R{months}-{indicator}{suffix}"


@login_required
@shows_domain_errors
def report_download(request, code: str, fy: int, months: int, indicator: str, fmt: str):
    if fmt not in reports.CONTENT_TYPES:
        raise Http404(fmt)
    report = _report(request, code, fy, months, indicator)
    response = HttpResponse(reports.render(report, fmt), content_type=reports.CONTENT_TYPES[fmt])
    name = _download_name(code, fy, months, indicator, f".{fmt}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@shows_domain_errors
def pack_download(request, code: str, fy: int, months: int, indicator: str):
    report = _report(request, code, fy, months, indicator)
    name = _download_name(code, fy, months, indicator, "-pack.zip")
    workdir = Path(tempfile.mkdtemp(prefix="lakthan-pack-"))
    try:
        out = workdir / "pack.zip"
        issuing.issue_pack(report, out, actor_name(request.user), filename=name)
        # Open, then remove the directory: the open handle keeps the file until the response is sent.
        stream = open(out, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return FileResponse(
        stream,
        as_attachment=True,
        content_type="application/zip",
        filename=name,
    )


@require_GET
def pack_key(request):
    """The agency's public pack-signing key (PEM), open to anyone: evaluators check packs with it."""
    key = issuing.public_key()
    response = HttpResponse(key.pem(), content_type="text/plain; charset=us-ascii")
    response["Content-Disposition"] = 'inline; filename="agency-key.pem"'
    response["X-Key-Fingerprint"] = key.fingerprint
    return response
