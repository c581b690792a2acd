"""The backup calendar picture: each system a row, each day a cell, missed windows marked (no Django).

Cells: a day with a backup is dark green (the count is not drawn, any backup counts); a day without
one is light grey; every day of a *missed* window is red with the window outlined, so a missed week
or month reads at a glance; days of windows not yet ended are hatched grey. SVG for the screen and
PNG (Pillow, with the Thai font) for documents.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any

from lakthan.lib.thai import digits

CELL, GAP, LABEL_W, HEADER_H, ROW_H, LEGEND_H = 3, 0, 260, 54, 20, 34
COLOURS = {
    "backup": "#1b7f3b",
    "empty": "#e4e7eb",
    "missed": "#f3b3b3",
    "missed_backup": "#b02020",
    "open": "#f7f7f7",
    "outline": "#c0262d",
    "text": "#1f2933",
    "grid": "#9aa5b1",
}
TH_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Row:
    label: str
    backup_days: set[date]
    missed: list[tuple[date, date]] = field(default_factory=list)
    open: list[tuple[date, date]] = field(default_factory=list)
    note: str = ""  # e.g. "92.3 %"


@dataclass
class Calendar:
    title: str
    start: date
    end: date
    rows: list[Row]
    thai: bool = True
    legend: tuple[str, str, str] = ("มีการสำรองข้อมูล", "ไม่มีการสำรอง", "ช่วงที่ไม่ครบตามนโยบาย")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def width(self) -> int:
        return LABEL_W + self.days * CELL * 1 + 70

    @property
    def height(self) -> int:
        return HEADER_H + len(self.rows) * ROW_H + LEGEND_H + 10

    def cell(self, row: Row, day: date) -> str:
        in_missed = any(s <= day <= e for s, e in row.missed)
        if day in row.backup_days:
            return "missed_backup" if in_missed else "backup"
        if in_missed:
            return "missed"
        if any(s <= day <= e for s, e in row.open):
            return "open"
        return "empty"

    def month_starts(self) -> list[tuple[int, str]]:
        out, day = [], self.start
        while day <= self.end:
            if day.day == 1 or day == self.start:
                names = TH_MONTHS if self.thai else EN_MONTHS
                year = day.year + 543 if self.thai else day.year
                label = digits(f"{names[day.month - 1]} {str(year)[-2:]}", thai=self.thai)
                out.append(((day - self.start).days, label))
            day += timedelta(days=1)
        return out


def _x(cal: Calendar, index: int) -> int:
    return LABEL_W + index * CELL


def _runs(cal: Calendar, row: Row) -> Iterator[tuple[str, int, int]]:
    """Consecutive days with the same cell kind, to keep the SVG small."""
    kind, begin = None, 0
    for i in range(cal.days):
        k = cal.cell(row, cal.start + timedelta(days=i))
        if k != kind:
            if kind is not None:
                yield kind, begin, i - begin
            kind, begin = k, i
    if kind is not None:
        yield kind, begin, cal.days - begin


def to_svg(cal: Calendar, font_family: str = "Sarabun") -> str:
    w, h = cal.width, cal.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'font-family="{escape(font_family)}, sans-serif" role="img" aria-label="{escape(cal.title)}">',
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>',
        f'<text x="8" y="20" font-size="16" font-weight="bold" fill="{COLOURS["text"]}">{escape(cal.title)}</text>',
    ]
    for index, label in cal.month_starts():
        x = _x(cal, index)
        parts.append(
            f'<line x1="{x}" y1="{HEADER_H - 16}" x2="{x}" y2="{HEADER_H + len(cal.rows) * ROW_H}" stroke="{COLOURS["grid"]}" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{x + 2}" y="{HEADER_H - 4}" font-size="11" fill="{COLOURS["text"]}">{escape(label)}</text>'
        )
    for r, row in enumerate(cal.rows):
        y = HEADER_H + r * ROW_H
        parts.append(
            f'<text x="8" y="{y + 14}" font-size="13" fill="{COLOURS["text"]}">{escape(row.label)}</text>'
        )
        for kind, begin, length in _runs(cal, row):
            parts.append(
                f'<rect x="{_x(cal, begin)}" y="{y + 3}" width="{length * CELL}" height="{ROW_H - 6}" fill="{COLOURS[kind]}"/>'
            )
        # backup days drawn on top as 1-cell marks so a run of days stays readable
        for s, e in row.missed:
            s2, e2 = max(s, cal.start), min(e, cal.end)
            if s2 > e2:
                continue
            x0 = _x(cal, (s2 - cal.start).days)
            parts.append(
                f'<rect x="{x0}" y="{y + 1.5}" width="{((e2 - s2).days + 1) * CELL}" height="{ROW_H - 3}" fill="none" stroke="{COLOURS["outline"]}" stroke-width="1.2"><title>{s.isoformat()} – {e.isoformat()}</title></rect>'
            )
        if row.note:
            parts.append(
                f'<text x="{_x(cal, cal.days) + 6}" y="{y + 14}" font-size="12" fill="{COLOURS["text"]}">{escape(row.note)}</text>'
            )
    ly = HEADER_H + len(cal.rows) * ROW_H + 18
    x = 8
    for kind, text in zip(("backup", "empty", "missed"), cal.legend, strict=True):
        stroke = f' stroke="{COLOURS["outline"]}"' if kind == "missed" else ""
        parts.append(f'<rect x="{x}" y="{ly - 10}" width="12" height="12" fill="{COLOURS[kind]}"{stroke}/>')
        parts.append(
            f'<text x="{x + 16}" y="{ly}" font-size="12" fill="{COLOURS["text"]}">{escape(text)}</text>'
        )
        x += 30 + 9 * len(text)
    parts.append("</svg>")
    return "\n".join(parts)


def to_png(cal: Calendar, font_path: str | None = None, scale: int = 2) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (cal.width * scale, cal.height * scale), "white")
    draw = ImageDraw.Draw(img)

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if font_path:
            try:
                return ImageFont.truetype(font_path, size * scale, layout_engine=ImageFont.Layout.RAQM)
            except (OSError, ImportError, KeyError):
                return ImageFont.truetype(font_path, size * scale)
        return ImageFont.load_default()

    f_title, f_row, f_month = font(16), font(13), font(11)

    def box(x0: int, y0: int, x1: int, y1: int, **kw: Any) -> None:
        draw.rectangle([x0 * scale, y0 * scale, x1 * scale - 1, y1 * scale - 1], **kw)

    draw.text((8 * scale, 3 * scale), cal.title, fill=COLOURS["text"], font=f_title)
    for index, label in cal.month_starts():
        x = _x(cal, index)
        draw.line(
            [x * scale, (HEADER_H - 16) * scale, x * scale, (HEADER_H + len(cal.rows) * ROW_H) * scale],
            fill=COLOURS["grid"],
            width=1,
        )
        draw.text(((x + 2) * scale, (HEADER_H - 18) * scale), label, fill=COLOURS["text"], font=f_month)
    for r, row in enumerate(cal.rows):
        y = HEADER_H + r * ROW_H
        draw.text((8 * scale, (y + 1) * scale), row.label, fill=COLOURS["text"], font=f_row)
        for kind, begin, length in _runs(cal, row):
            box(_x(cal, begin), y + 3, _x(cal, begin + length), y + ROW_H - 3, fill=COLOURS[kind])
        for s, e in row.missed:
            s2, e2 = max(s, cal.start), min(e, cal.end)
            if s2 <= e2:
                x0 = _x(cal, (s2 - cal.start).days)
                box(
                    x0,
                    y + 1,
                    x0 + ((e2 - s2).days + 1) * CELL + 1,
                    y + ROW_H - 1,
                    outline=COLOURS["outline"],
                    width=max(1, scale),
                )
        if row.note:
            draw.text(
                ((_x(cal, cal.days) + 6) * scale, (y + 2) * scale),
                row.note,
                fill=COLOURS["text"],
                font=f_month,
            )
    ly = HEADER_H + len(cal.rows) * ROW_H + 18
    x = 8
    for kind, text in zip(("backup", "empty", "missed"), cal.legend, strict=True):
        box(
            x,
            ly - 10,
            x + 12,
            ly + 2,
            fill=COLOURS[kind],
            outline=COLOURS["outline"] if kind == "missed" else None,
        )
        draw.text(((x + 16) * scale, (ly - 13) * scale), text, fill=COLOURS["text"], font=f_month)
        x += 30 + int(draw.textlength(text, font=f_month) / scale)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()
