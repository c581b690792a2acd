"""The one time zone the project shows and computes policy windows in (no daylight saving)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant; one written without an offset is read in Asia/Bangkok (what a clerk in
    Thailand means). ValueError when the text is not one."""
    moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    return moment.replace(tzinfo=BANGKOK) if moment.tzinfo is None else moment


def end_of_day(day: date) -> datetime:
    """The first instant after the Bangkok calendar day ``day`` (in UTC): what "as of that day" includes
    is everything before it."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=BANGKOK).astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """An instant as ISO-8601 in UTC (``2013-03-01T02:00:00Z``), the form every JSON output uses."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
