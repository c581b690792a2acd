"""The evidence register's search: one box for a title, a document number or an item.

``"คำสั่ง"`` finds titles and document numbers that contain it; ``"ข้อ 3"`` / ``"item 3"`` / ``"3"``
also finds evidence linked to item 3 of any indicator, and ``"9.2 ข้อ 3"`` to item 3 of indicator 9.2.
Digits may be typed in either script: the register holds both (``ที่ ๑๒/๒๕๕๖``, ``ที่ 12/2556``).
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from lakthan.evidence.models import Evidence
from lakthan.lib import thai

QUERY_MAX = 200  # characters of the search box that count
_ITEM = re.compile(r"^(?:(?P<code>\d+(?:\.\d+)*)\s+)?(?:ข้อ|item)?\s*(?P<number>\d{1,4})$", re.IGNORECASE)


def register(unit, query: str = "", kind: str = "") -> QuerySet[Evidence]:
    """The unit's evidence, newest document first, narrowed to ``query`` and ``kind`` when given."""
    evidence = Evidence.objects.filter(unit=unit)
    if kind in Evidence.Kind.values:
        evidence = evidence.filter(kind=kind)
    query = " ".join((query or "").split())[:QUERY_MAX]
    if query:
        evidence = evidence.filter(matching(query)).distinct()
    return evidence.order_by("-doc_date", "-pk")


def matching(query: str) -> Q:
    arabic = thai.arabic_digits(query)
    condition = Q()
    for text in {arabic, thai.thai_digits(arabic), query}:
        condition |= Q(title__icontains=text) | Q(doc_no__icontains=text)
    item = _ITEM.match(arabic)
    if item:
        linked = Q(links__criterion__number=int(item["number"]))
        if item["code"]:
            linked &= Q(links__report__indicator__code=item["code"])
        condition |= linked
    return condition
