"""The item-4 chart: a row per (system, unit), a column per Bangkok month, each cell shaded by the
number of events that month with the number written in it; a last column of the period's total.
An installation with no event in the period (silent: the finding) is drawn in red with "ไม่มีการใช้งาน";
a unit that uses a system without being declared installed is marked "*". SVG and PNG draw the same
shapes (lib/picture.py). Pure: no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lakthan.lib import picture
from lakthan.lib.thai import be_year, digits

SYS_W, UNIT_W, CELL_W, CELL_H, TOTAL_W = 250, 110, 62, 26, 96
TOP, PAD = 88, 16
SHADES = ("#deebf7", "#c6dbef", "#9ecae1", "#4292c6", "#08519c")
NONE, SILENT, SILENT_INK, TEXT, RULE = "#f4f5f7", "#fde8e8", "#b3261e", "#1f2933", "#ffffff"
THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    system: str
    system_name: str
    unit: str
    events: tuple[tuple[str, int], ...]  # ("YYYY-MM", events)
    silent: bool  # installed, no event in the period
    declared: bool  # installed (inventory or a host); False: used through the address plan only


def month_label(month: str, thai: bool = True) -> str:
    """ "2026-01" → "ม.ค. ๖๙" (B.E. year, two digits)."""
    year, m = int(month[:4]), int(month[5:7])
    return f"{THAI_MONTHS[m - 1]} {digits(f'{be_year(year) % 100:02d}', thai=thai)}"


def shade(events: int, most: int) -> str:
    """One of five blues on a logarithmic scale up to the busiest cell; a light grey for none."""
    if events <= 0 or most <= 0:
        return NONE
    level = math.log1p(events) / math.log1p(most)
    return SHADES[min(len(SHADES) - 1, int(level * len(SHADES)))]


def ink_on(colour: str) -> str:
    return "#ffffff" if colour in SHADES[3:] else TEXT


def number(n: int, thai: bool) -> str:
    text = f"{n:,}" if n < 1_000_000 else f"{n / 1_000_000:.1f}M"
    return digits(text, thai=thai)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scene(rows: list[Row], months: list[str], title: str, *, thai: bool = True) -> picture.Scene:
    grid_x = PAD + SYS_W + UNIT_W
    width = max(grid_x + len(months) * CELL_W + TOTAL_W + PAD, 760)
    height = TOP + max(len(rows), 1) * CELL_H + 96
    pic = picture.Scene(int(width), int(height), title)
    pic.add(picture.Text(PAD, 32, title, 18, bold=True, css_class="title"))
    head = TOP - 10
    pic.add(
        picture.Text(PAD, head, "ระบบสารสนเทศ", 14, bold=True),
        picture.Text(PAD + SYS_W, head, "หน่วย/ด่าน", 14, bold=True),
        picture.Text(grid_x + len(months) * CELL_W + TOTAL_W - 8, head, "รวม", 14, anchor="end", bold=True),
    )
    for i, month in enumerate(months):
        pic.add(
            picture.Text(
                grid_x + i * CELL_W + CELL_W / 2, head, month_label(month, thai), 13, anchor="middle"
            )
        )
    most = max((n for r in rows for _, n in r.events), default=0)
    if not rows:
        pic.add(picture.Text(PAD, TOP + 20, "ไม่มีระบบที่ติดตั้งหรือใช้งานในหน่วยนี้", 14))
    previous = None
    for k, row in enumerate(rows):
        y = TOP + k * CELL_H
        if row.system != previous:
            pic.add(picture.Line(PAD, y, grid_x + len(months) * CELL_W + TOTAL_W, y, "#9aa5b1"))
            pic.add(picture.Text(PAD, y + 18, _clip(row.system_name, 30), 13, bold=True, css_class="system"))
            previous = row.system
        unit_label = row.unit if row.declared else f"{row.unit} *"
        pic.add(picture.Text(PAD + SYS_W, y + 18, unit_label, 13, SILENT_INK if row.silent else TEXT))
        per = dict(row.events)
        for i, month in enumerate(months):
            n = per.get(month, 0)
            fill = SILENT if row.silent else shade(n, most)
            x = grid_x + i * CELL_W
            pic.add(
                picture.Rect(
                    x,
                    y + 1,
                    CELL_W - 2,
                    CELL_H - 2,
                    fill,
                    css_class="cell",
                    data=(("system", row.system), ("unit", row.unit), ("month", month), ("events", str(n))),
                    tooltip=f"{row.system} · {row.unit} · {month}: {n}",
                )
            )
            if n:
                pic.add(picture.Text(x + CELL_W / 2 - 1, y + 18, number(n, thai), 11, ink_on(fill), "middle"))
        total = sum(per.values())
        right = grid_x + len(months) * CELL_W + TOTAL_W - 8
        if row.silent:
            pic.add(
                picture.Text(right, y + 18, "ไม่มีการใช้งาน", 12, SILENT_INK, "end", True, css_class="silent")
            )
        else:
            pic.add(picture.Text(right, y + 18, number(total, thai), 12, TEXT, "end", True))
    _legend(pic, TOP + max(len(rows), 1) * CELL_H + 28, thai)
    return pic


def _legend(pic: picture.Scene, y: float, thai: bool) -> None:
    x = PAD
    pic.add(picture.Text(x, y + 14, "จำนวนเหตุการณ์ต่อเดือน:", 13))
    x += 150
    pic.add(picture.Text(x, y + 14, "น้อย", 12))
    x += 30
    for colour in SHADES:
        pic.add(picture.Rect(x, y, 24, 18, colour, css_class="legend"))
        x += 26
    pic.add(picture.Text(x + 4, y + 14, "มาก", 12))
    x += 52
    pic.add(
        picture.Rect(x, y, 24, 18, SILENT, stroke=SILENT_INK, css_class="legend"),
        picture.Text(x + 30, y + 14, "ติดตั้งแล้วแต่ไม่มีการใช้งานในช่วงนี้", 12, SILENT_INK),
    )
    pic.add(
        picture.Text(
            PAD,
            y + 40,
            "* ใช้งานผ่านเครือข่ายของหน่วย (หมายเลข IP ตามแผนผังเครือข่าย) โดยยังไม่ได้บันทึกว่าติดตั้ง",
            12,
        )
    )


def to_svg(rows: list[Row], months: list[str], title: str, *, thai: bool = True) -> str:
    return picture.to_svg(scene(rows, months, title, thai=thai))
