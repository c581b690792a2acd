"""Thai fiscal years (ปีงบประมาณ, Buddhist Era) and the 6/9/12-month reporting rounds.

Fiscal year N (B.E.) runs from 1 October (N − 544) to 30 September (N − 543) C.E.:
FY 2556 = 1 Oct 2012 – 30 Sep 2013.

Every date here is a calendar date in Asia/Bangkok, both bounds inclusive. Pass a ``date``, or an
aware ``datetime`` (converted to Asia/Bangkok first); a naive ``datetime`` is refused because its
day is ambiguous (a UTC timestamp of 30 Sep 17:30 is already 1 Oct in Bangkok).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from lakthan.lib.timezones import BANGKOK

BE_OFFSET = 543
ROUND_MONTHS = (6, 9, 12)


def _fiscal_year(fy_be: int) -> int:
    if isinstance(fy_be, bool) or not isinstance(fy_be, int):
        raise TypeError(f"fiscal year must be a B.E. year as int (e.g. 2556), not {fy_be!r}")
    if fy_be <= BE_OFFSET + 1:
        raise ValueError(f"fiscal year {fy_be} is not a B.E. year (e.g. 2556)")
    return fy_be


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    fy = _fiscal_year(fy_be)
    return date(fy - BE_OFFSET - 1, 10, 1), date(fy - BE_OFFSET, 9, 30)


def fiscal_year_of(d: date) -> int:
    """The B.E. fiscal year that contains the Bangkok calendar day ``d``."""
    if isinstance(d, datetime):
        if d.tzinfo is None or d.utcoffset() is None:
            raise ValueError("a naive datetime has no Bangkok day; pass a date or an aware datetime")
        d = d.astimezone(BANGKOK).date()
    elif not isinstance(d, date):
        raise TypeError(f"expected a date, not {d!r}")
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)


def round_bounds(fy_be: int, months: int) -> tuple[date, date]:
    """The round of ``months`` (6, 9 or 12) counted from the start of the fiscal year."""
    if isinstance(months, bool) or not isinstance(months, int) or months not in ROUND_MONTHS:
        raise ValueError(f"a round is 6, 9 or 12 months of the fiscal year, not {months!r}")
    start, _ = fiscal_year_bounds(fy_be)
    month_index = start.month - 1 + months - 1  # 0-based month of the round's last month, from start's year
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start, date(year, month, calendar.monthrange(year, month)[1])
