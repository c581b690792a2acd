"""The one time zone the project shows and computes policy windows in (no daylight saving)."""

from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
