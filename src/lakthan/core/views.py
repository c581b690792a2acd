"""The one page fragment of lakthan.core: a background job's state, polled by core/static/core/jobs.js."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from lakthan.core import jobs


@login_required
def job(request, pk: int):
    found = jobs.visible_job(request.user, pk)
    if found is None:
        raise Http404(str(pk))
    response = render(request, "core/_job.html", {"job": found, "title": jobs.label(found.kind)})
    response["Cache-Control"] = "no-store"
    return response
