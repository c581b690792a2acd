"""The freshness picture of a round (pure: no Django): one row per dataset over the round, the time it
was current in pale green, late in red, unknown (before its first reading) in grey, each known update
a dark tick at the moment of the update; Bangkok months on the axis, each row's current share at its
right. One list of shapes, drawn as SVG and PNG by lakthan.lib.picture.

Ticks closer than one unit of the picture share one tick (an hourly dataset over a year would draw
thousands of lines in a few hundred units); each tick carries the number of updates it stands for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lakthan.data.engines.freshness import CURRENT, LATE, UNKNOWN
from lakthan.lib import picture
from lakthan.lib.thai import digits
from lakthan.lib.timezones import BANGKOK

COLOURS = {CURRENT: "#bbf7d0", LATE: "#dc2626", UNKNOWN: "#e5e7eb"}
TICK = "#1f2937"
LABELS_TH = {CURRENT: "เป็นปัจจุบัน", LATE: "ล่าช้า", UNKNOWN: "ไม่มีข้อมูล"}
MONTHS_TH = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
WIDTH = 960
LEFT, RIGHT, TOP = 190, 70, 44
ROW_H, ROW_GAP = 22, 8


@dataclass(frozen=True)
class Row:
    label: str  # the dataset's name
    sublabel: str  # its unit (and system)
    segments: tuple[tuple[float, float, str], ...]  # epoch seconds, from freshness.tally
    updates: tuple[float, ...]  # epoch seconds of each known update in the round
    ratio: float | None


def percent(ratio: float | None, *, thai: bool = True) -> str:
    """Rounded down at two places (99.999 % never shows as 100 %); None → '–'."""
    if ratio is None:
        return "–"
    return digits(f"{int(ratio * 10000) / 100:.2f}%", thai=thai)


def month_starts(begin: float, end: float) -> list[tuple[float, str]]:
    """(epoch seconds, 'ต.ค. ๖๘' in Arabic digits) of every Bangkok month starting in [begin, end),
    the first month of the round included at ``begin`` when the round starts inside it."""
    local = datetime.fromtimestamp(begin, UTC).astimezone(BANGKOK)
    month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    while month.timestamp() < end:
        at = max(month.timestamp(), begin)
        out.append((at, f"{MONTHS_TH[month.month - 1]} {(month.year + 543) % 100:02d}"))
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def scene(rows: list[Row], begin: float, end: float, title: str, *, thai: bool = True) -> picture.Scene:
    inner = WIDTH - LEFT - RIGHT
    span = max(end - begin, 1.0)

    def x(t: float) -> float:
        return round(LEFT + (min(max(t, begin), end) - begin) / span * inner, 2)

    height = TOP + max(len(rows), 1) * (ROW_H + ROW_GAP) + 60
    pic = picture.Scene(WIDTH, height, title)
    pic.add(picture.Text(16, 22, title, 14, bold=True))
    axis_y = TOP + max(len(rows), 1) * (ROW_H + ROW_GAP)
    months = month_starts(begin, end)
    for at, _label in months:
        pic.add(picture.Line(x(at), TOP - 4, x(at), axis_y, "#d1d5db"))
    if not rows:
        pic.add(picture.Text(LEFT, TOP + 16, "ไม่มีชุดข้อมูล", 12, fill="#6b7280"))
    for i, r in enumerate(rows):
        y = TOP + i * (ROW_H + ROW_GAP)
        pic.add(picture.Text(16, y + 10, r.label[:30], 11, bold=True))
        pic.add(picture.Text(16, y + 21, r.sublabel[:34], 9, fill="#6b7280"))
        for a, b, state in r.segments:
            if b <= begin or a >= end:
                continue
            pic.add(
                picture.Rect(
                    x(a),
                    y,
                    max(round(x(b) - x(a), 2), 1),  # a short spell still shows (and draws)
                    ROW_H,
                    COLOURS[state],
                    css_class=state,
                    data=(
                        ("from", _iso(a)),
                        ("to", _iso(b)),
                    ),
                    tooltip=f"{LABELS_TH[state]} {_iso(a)} – {_iso(b)}",
                )
            )
        for tx, count in _ticks([t for t in r.updates if begin <= t < end], x):
            pic.add(
                picture.Rect(
                    tx, y - 2, 1, ROW_H + 4, TICK, css_class="update", data=(("updates", str(count)),)
                )
            )
        pic.add(picture.Text(WIDTH - 8, y + 15, percent(r.ratio, thai=thai), 11, anchor="end", bold=True))
    for at, label in months:
        pic.add(picture.Line(x(at), axis_y, x(at), axis_y + 6, "#6b7280"))
        pic.add(picture.Text(x(at) + 2, axis_y + 18, digits(label, thai=thai), 10, fill="#374151"))
    lx: float = LEFT
    ly = height - 10
    for state in (CURRENT, LATE, UNKNOWN):
        pic.add(picture.Rect(lx, ly - 9, 10, 10, COLOURS[state]))
        pic.add(picture.Text(lx + 14, ly, LABELS_TH[state], 11, fill="#374151"))
        lx += 24 + 11 * len(LABELS_TH[state]) * 0.55
    pic.add(picture.Rect(lx, ly - 11, 1, 14, TICK))
    pic.add(picture.Text(lx + 6, ly, "ปรับปรุงข้อมูล", 11, fill="#374151"))
    pic.add(picture.Text(WIDTH - 8, TOP - 8, "ร้อยละที่เป็นปัจจุบัน", 10, anchor="end", fill="#374151"))
    return pic


def _ticks(updates: list[float], x: Callable[[float], float]) -> list[tuple[float, int]]:
    """One tick per unit of the picture: (x, how many updates it stands for), left to right."""
    out: list[tuple[float, int]] = []
    for t in sorted(set(updates)):
        tx = x(t)
        if out and tx - out[-1][0] < 1:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((tx, 1))
    return out


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).astimezone(BANGKOK).isoformat(timespec="minutes")
