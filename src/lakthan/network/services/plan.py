"""The address plan as people read it: each block with its unit, purpose and the number of addresses
registered in it and seen in use in it (a nested block's addresses count in the outer block too)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from lakthan.core.models import Unit
from lakthan.network.models import Address, Observation
from lakthan.network.services.register import list_prefixes


def plan_rows(unit: Unit | None = None, within: set[int] | None = None) -> list[dict[str, Any]]:
    """``{"cidr", "version", "unit", "purpose", "registered", "seen", "created_by", "created_at"}``
    per block, in address order. Two indexed range counts a block (plans hold tens of blocks)."""
    rows = []
    for prefix in list_prefixes(unit=unit, within=within):
        span = {"key__gte": prefix.first, "key__lte": prefix.last}
        rows.append(
            {
                "cidr": prefix.cidr,
                "version": prefix.version,
                "unit": prefix.unit.code,
                "purpose": prefix.purpose,
                "registered": Address.objects.filter(**span).count(),
                "seen": Observation.objects.filter(**span).aggregate(n=Count("key", distinct=True))["n"],
                "created_by": prefix.created_by,
                "created_at": prefix.created_at.isoformat(),
            }
        )
    return rows
