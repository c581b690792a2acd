"""The coverage chart: one row per host, one column per day, darker for more events, red for silent days.

In Thai by default, as the report it supports: Thai month names, B.E. years and Thai digits, in a font
with Thai glyphs (the UI's bundled Sarabun; DejaVu has none) laid out with complex-text shaping so that
Thai vowels and tone marks sit where they belong. The web page passes its own language's labels."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from lakthan.lib.thai import thai_digits

FONT_PATHS = [
    str(Path(__file__).resolve().parents[1] / "web" / "static" / "web" / "fonts" / "Sarabun-Regular.ttf"),
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]
TH_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
LEGEND = ("ไม่มีเหตุการณ์ในวันนั้น (เงียบ)", "มีเหตุการณ์ (สีเข้ม = มาก)")


def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)
        except (OSError, KeyError, ImportError):
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.load_default()


def month_label(day: date, thai: bool = True) -> str:
    """ก.ค. ๒๕๕๖ (or 2013-07)"""
    if not thai:
        return day.strftime("%Y-%m")
    return thai_digits(f"{TH_MONTHS[day.month - 1]} {day.year + 543}")


def coverage_png(
    hosts: list[str],
    per_day: dict[str, dict[date, int]],
    start: date,
    end: date,
    title: str,
    legend: tuple[str, str] = LEGEND,
    thai: bool = True,
) -> bytes:
    """``legend``: the labels of the red and the green swatch; ``thai``: Thai months and B.E. years."""
    days = [(start + timedelta(days=i)) for i in range((end - start).days + 1)]
    cell = max(2, min(12, 900 // max(1, len(days))))
    left, top, row = 170, 60, 26
    width = left + cell * len(days) + 40
    height = top + row * len(hosts) + 80
    img = Image.new("RGB", (max(width, 640), height), "white")
    draw = ImageDraw.Draw(img)
    f, small = _font(18), _font(14)
    draw.text((10, 12), title, fill="black", font=f)
    peak = max([c for d in per_day.values() for c in d.values()] or [1])
    for r, host in enumerate(hosts):
        y = top + r * row
        draw.text((10, y + 5), host, fill="black", font=small)
        counts = per_day.get(host, {})
        for i, day in enumerate(days):
            n = counts.get(day, 0)
            if n:
                shade = int(200 - 150 * min(1.0, n / peak))
                color = (
                    shade - 40 if shade > 40 else 0,
                    shade + 40 if shade < 215 else 255,
                    shade - 20 if shade > 20 else 0,
                )
            else:
                color = (214, 39, 40)
            x = left + i * cell
            draw.rectangle([x, y + 2, x + cell - 1, y + row - 4], fill=color)
    y = top + row * len(hosts) + 8
    for i, day in enumerate(days):
        if day.day == 1 or i == 0:
            x = left + i * cell
            draw.line([x, top - 4, x, y], fill=(120, 120, 120))
            draw.text((x + 2, y), month_label(day, thai), fill="black", font=small)
    x = 10
    for colour, text in zip(((214, 39, 40), (60, 200, 80)), legend, strict=True):
        draw.rectangle([x, height - 28, x + 14, height - 16], fill=colour)
        draw.text((x + 20, height - 33), text, fill="black", font=small)
        x += 40 + int(draw.textlength(text, font=small))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
