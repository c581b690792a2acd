"""Thai digits, Buddhist-Era years and Thai dates for official documents (no Django here).

Thin wrappers over pythainlp.util so the rest of the code has one place to call, with the
project's conventions: Decimal half-up rounding, B.E. years, Asia/Bangkok for display.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit, thai_strftime

from lakthan.lib.timezones import BANGKOK

BE_OFFSET = 543

_DATE_FORMATS = {"short": "%-d %b %Y", "long": "%-d %B %Y"}
# Spelled out rather than strftime("%b"), which follows the process locale.
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# A run of Latin letters, digits and joiners: a name such as ``inv-fs01``, ``SHA-256`` or a path.
_LATIN_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.:/@-]*")


def thai_digits(text: object) -> str:
    """Arabic digits → Thai digits in any string or number (``"ข้อ 9.2"`` → ``"ข้อ ๙.๒"``). Digits that
    are part of a Latin name (a host ``inv-fs01``, ``SHA-256``, a file name) stay as written: they are
    identifiers, not numbers, and must match the system they name."""
    return _LATIN_TOKEN.sub(_thai_digits_unless_named, str(text))


def _thai_digits_unless_named(match: re.Match) -> str:
    token = match.group(0)
    return token if re.search(r"[A-Za-z]", token) else arabic_digit_to_thai_digit(token)


def arabic_digits(text: object) -> str:
    """Thai digits → Arabic digits (the inverse of :func:`thai_digits`)."""
    return thai_digit_to_arabic_digit(str(text))


def digits(text: object, *, thai: bool) -> str:
    """The text with every digit in the chosen script, whichever script it came in."""
    return thai_digits(text) if thai else arabic_digits(text)


def to_decimal(value: object) -> Decimal:
    # str() first so a float such as 0.145 becomes Decimal('0.145'), not its binary expansion.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_half_up(value: object, places: int) -> Decimal:
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: object, *, thai: bool, places: int | None = None, grouping: bool = False) -> str:
    """``Decimal('0.145')`` with ``places=2`` → ``'๐.๑๕'`` (half-up); ``thai=False`` keeps Arabic digits."""
    number = to_decimal(value) if places is None else round_half_up(value, places)
    text = f"{number:,f}" if grouping else f"{number:f}"
    return digits(text, thai=thai)


def be_year(ce: int) -> int:
    return ce + BE_OFFSET


def ce_year(be: int) -> int:
    return be - BE_OFFSET


def _as_datetime(d: date | datetime) -> datetime:
    return d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)


def _local(dt: datetime, tz: ZoneInfo) -> datetime:
    return dt.astimezone(tz) if dt.tzinfo is not None else dt


def format_date(d: date | datetime, *, style: str = "short", thai_digits: bool = True) -> str:
    """``'๑๑ ก.ค. ๒๕๕๖'`` (short) or ``'๑๑ กรกฎาคม ๒๕๕๖'`` (long); an aware datetime is shown in Bangkok."""
    if isinstance(d, datetime):
        d = _local(d, BANGKOK)
    return thai_strftime(_as_datetime(d), _DATE_FORMATS[style], thaidigit=thai_digits)


def format_datetime(
    dt: datetime, *, style: str = "short", thai_digits: bool = True, tz: ZoneInfo = BANGKOK
) -> str:
    """``'๑๑ ก.ค. ๒๕๕๖ ๐๙:๐๕ น.'``; aware datetimes are converted to ``tz`` (Asia/Bangkok)."""
    local = _local(dt, tz)
    return thai_strftime(local, _DATE_FORMATS[style] + " %H:%M น.", thaidigit=thai_digits)


def format_date_en(d: date | datetime, *, style: str = "short") -> str:
    """English UI: ``'11 Jul 2013'`` / ``'11 July 2013'`` (C.E. years, Arabic digits)."""
    if isinstance(d, datetime):
        d = _local(d, BANGKOK)
    month = _EN_MONTHS[d.month - 1]
    return f"{d.day} {month[:3] if style == 'short' else month} {d.year}"


def format_datetime_en(dt: datetime, *, style: str = "short", tz: ZoneInfo = BANGKOK) -> str:
    local = _local(dt, tz)
    return f"{format_date_en(local.date(), style=style)} {local:%H:%M}"


def format_span(start: date | str, end: date | str, *, thai_digits: bool = False) -> str:
    """'14 ม.ค. 2556 – 20 ม.ค. 2556' (or one date when both are the same day); ISO strings accepted."""
    start, end = (date.fromisoformat(d) if isinstance(d, str) else d for d in (start, end))
    first = format_date(start, thai_digits=thai_digits)
    return first if start == end else f"{first} – {format_date(end, thai_digits=thai_digits)}"


def format_date_numeric(d: date, *, thai_digits: bool = False) -> str:
    """``'11/07/2556'``: day/month/B.E. year, as in a short Thai notice."""
    return digits(f"{d:%d/%m}/{be_year(d.year)}", thai=thai_digits)


_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})$")


def parse_date_numeric(text: str) -> date:
    """``'04/12/2569'`` (day/month/B.E. year, either script of digits) → ``date(2026, 12, 4)``, the
    inverse of :func:`format_date_numeric`. ValueError for another shape, a C.E. year or no such day."""
    match = _NUMERIC_DATE.match(arabic_digits(text).strip())
    if not match:
        raise ValueError(text)
    day, month, year = (int(g) for g in match.groups())
    if year < 2400:
        raise ValueError(f"{text}: not a B.E. year")
    return date(ce_year(year), month, day)
