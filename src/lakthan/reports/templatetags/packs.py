"""`{% issued_packs report %}`: the packs issued for a report and the agency's key fingerprint, on the
report page (where the pack is downloaded)."""

from __future__ import annotations

from django import template

from lakthan.evidence.engines.pack_signing import grouped
from lakthan.reports import issuing

register = template.Library()


@register.inclusion_tag("reports/issued_packs.html")
def issued_packs(report, limit: int = 10) -> dict:
    packs = issuing.issued_packs(report)
    return {
        "packs": list(packs[:limit]),
        "more": max(packs.count() - limit, 0),
        "fingerprint": grouped(issuing.public_key().fingerprint),
    }
