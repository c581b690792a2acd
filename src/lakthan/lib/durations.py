"""Durations as people write recovery targets: ``30m``, ``4h``, ``1d``, ``1h30m``, ``90s``, ``2w``; and
back to the shortest such text and to Thai words. Pure: no Django."""

from __future__ import annotations

import re

UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
THAI_UNITS = {"w": "สัปดาห์", "d": "วัน", "h": "ชั่วโมง", "m": "นาที", "s": "วินาที"}
_PART = re.compile(r"(\d+)\s*([wdhms])")


class BadDuration(ValueError):
    pass


def parse_duration(text: str) -> int:
    """Seconds of a duration such as ``4h`` or ``1d12h``; BadDuration when the text is not one."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned or _PART.sub("", cleaned):
        raise BadDuration(f"{text!r} is not a duration such as 30m, 4h or 1d")
    seconds = sum(int(n) * UNITS[u] for n, u in _PART.findall(cleaned))
    if seconds <= 0:
        raise BadDuration(f"{text!r} is not longer than zero")
    return seconds


def _parts(seconds: int) -> list[tuple[int, str]]:
    out = []
    for unit, size in UNITS.items():
        if unit == "w":
            continue  # weeks read worse than days in a plan ("14d" rather than "2w")
        count, seconds = divmod(seconds, size)
        if count:
            out.append((count, unit))
    return out


def format_duration(seconds: int) -> str:
    """The shortest text that parses back to ``seconds``: 14400 → ``4h``, 5400 → ``1h30m``."""
    if seconds <= 0:
        return "0s"
    return "".join(f"{count}{unit}" for count, unit in _parts(int(seconds)))


def format_duration_th(seconds: int) -> str:
    """Thai words: 5400 → ``1 ชั่วโมง 30 นาที`` (digits are left to the caller's Thai-digit rule)."""
    if seconds <= 0:
        return "0 นาที"
    return " ".join(f"{count} {THAI_UNITS[unit]}" for count, unit in _parts(int(seconds)))
