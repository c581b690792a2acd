"""Web pages of item 10: the sources of the caller's units with their accounts, and the findings as of
today. Pages that change things live in actions.py."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from lakthan.access.models import IdentitySource
from lakthan.access.services.findings import findings
from lakthan.core import access


def visible_sources(user):
    allowed = access.visible_unit_ids(user)
    qs = IdentitySource.objects.select_related("system__unit")
    return qs if allowed is None else qs.filter(system__unit_id__in=allowed)


@login_required
def index(request):
    today = timezone.localdate()
    sources = visible_sources(request.user).annotate(
        accounts_enabled=Count(
            "accounts", filter=Q(accounts__gone_at__isnull=True, accounts__disabled=False)
        ),
        accounts_disabled=Count(
            "accounts", filter=Q(accounts__gone_at__isnull=True, accounts__disabled=True)
        ),
    )
    system_codes = {s.system.code for s in sources}
    counts = Counter(f.kind for f in findings(today) if f.system in system_codes)
    return render(
        request,
        "access/index.html",
        {"sources": sources, "counts": sorted(counts.items()), "today": today, "current": "access"},
    )
