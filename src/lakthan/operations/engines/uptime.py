"""The uptime picture of a probe (pure: no Django): one bar per Bangkok day over the period, coloured
up (no time down), partly (some time down, some up), down (measured, never up) or unknown (nothing
measured), and under them each month's availability in Thai digits. One list of shapes, drawn as SVG
and PNG by lakthan.lib.picture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lakthan.lib import picture
from lakthan.lib.thai import digits

COLOURS = {"up": "#15803d", "partly": "#f59e0b", "down": "#b91c1c", "unknown": "#d1d5db"}
LABELS_TH = {"up": "ใช้งานได้ตลอด", "partly": "ขัดข้องบางช่วง", "down": "ใช้งานไม่ได้", "unknown": "ไม่มีข้อมูล"}
MONTHS_TH = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
WIDTH = 760
LEFT, RIGHT, TOP = 16, 16, 44
BAR_H = 40


@dataclass(frozen=True)
class Day:
    day: date
    up_us: int
    down_us: int

    @property
    def state(self) -> str:
        if self.up_us == 0 and self.down_us == 0:
            return "unknown"
        if self.down_us == 0:
            return "up"
        return "down" if self.up_us == 0 else "partly"


def percent(ratio: float | None, *, thai: bool = True, places: int = 2) -> str:
    """0.99861 → '๙๙.๘๖%'; None → '–'. Rounded down at ``places``: 99.999 % never shows as 100 %."""
    if ratio is None:
        return "–"
    scale = 10**places
    value = int(ratio * 100 * scale) / scale
    return digits(f"{value:.{places}f}%", thai=thai)


def month_label(month: str, *, thai: bool = True) -> str:
    """'2026-01' → 'ม.ค. ๖๙' (B.E. year, two digits)."""
    year, mon = (int(x) for x in month.split("-"))
    return digits(f"{MONTHS_TH[mon - 1]} {(year + 543) % 100:02d}", thai=thai)


def scene(
    days: list[Day], months: list[tuple[str, float | None]], title: str, *, thai: bool = True
) -> picture.Scene:
    inner = WIDTH - LEFT - RIGHT
    n = max(len(days), 1)
    step = inner / n
    gap = 1 if step >= 3 else 0
    height = TOP + BAR_H + 64
    pic = picture.Scene(WIDTH, height, title)
    pic.add(picture.Text(LEFT, 22, title, 14, bold=True))
    for i, d in enumerate(days):
        state = d.state
        x = LEFT + i * step
        pic.add(
            picture.Rect(
                round(x, 2),
                TOP,
                round(max(step - gap, 0.5), 2),
                BAR_H,
                COLOURS[state],
                css_class=f"day {state}",
                data=(("day", d.day.isoformat()), ("state", state)),
                tooltip=f"{d.day.isoformat()} {LABELS_TH[state]}",
            )
        )
    # month ticks and ratios under the bars
    y = TOP + BAR_H
    first_index: dict[str, int] = {}
    for i, d in enumerate(days):
        first_index.setdefault(f"{d.day:%Y-%m}", i)
    for month, ratio in months:
        index = first_index.get(month)
        if index is None:
            continue
        x = LEFT + index * step
        pic.add(picture.Line(round(x, 2), y, round(x, 2), y + 6, "#6b7280"))
        x = min(x, WIDTH - RIGHT - 56)  # a month starting on the period's last days: its label fits
        pic.add(picture.Text(round(x + 2, 2), y + 18, month_label(month, thai=thai), 11, fill="#374151"))
        pic.add(
            picture.Text(round(x + 2, 2), y + 32, percent(ratio, thai=thai), 11, fill="#111827", bold=True)
        )
    # legend
    lx: float = LEFT
    ly = height - 10
    for state in ("up", "partly", "down", "unknown"):
        pic.add(picture.Rect(lx, ly - 9, 10, 10, COLOURS[state]))
        pic.add(picture.Text(lx + 14, ly, LABELS_TH[state], 11, fill="#374151"))
        lx += 24 + 11 * len(LABELS_TH[state]) * 0.55
    return pic
