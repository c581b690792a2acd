"""The coverage chart: one row per host, one column per day, darker for more events, red for silent days."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = [
    # the UI's bundled Sarabun first: it has Thai as well as Latin glyphs (DejaVu has no Thai)
    str(Path(__file__).resolve().parents[1] / "web" / "static" / "web" / "fonts" / "Sarabun-Regular.ttf"),
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/thai-tlwg/Sarabun.ttf",
]


def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


LEGEND = ("no events that day (silent)", "events (darker = more)")


def coverage_png(
    hosts: list[str],
    per_day: dict[str, dict[date, int]],
    start: date,
    end: date,
    title: str,
    legend: tuple[str, str] = LEGEND,
) -> bytes:
    """``legend``: the labels of the red and the green swatch, in the reader's language."""
    days = [(start + timedelta(days=i)) for i in range((end - start).days + 1)]
    cell = max(2, min(12, 900 // max(1, len(days))))
    left, top, row = 170, 60, 26
    width = left + cell * len(days) + 40
    height = top + row * len(hosts) + 70
    img = Image.new("RGB", (max(width, 640), height), "white")
    draw = ImageDraw.Draw(img)
    f, small = _font(16), _font(12)
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
            draw.text((x + 2, y), day.strftime("%Y-%m"), fill="black", font=small)
    silent, events = legend
    draw.rectangle([10, height - 28, 24, height - 16], fill=(214, 39, 40))
    draw.text((30, height - 30), silent, fill="black", font=small)
    x = max(230, 30 + int(draw.textlength(silent, font=small)) + 24)
    draw.rectangle([x, height - 28, x + 14, height - 16], fill=(60, 200, 80))
    draw.text((x + 20, height - 30), events, fill="black", font=small)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
