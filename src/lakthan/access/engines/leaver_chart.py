"""The chart of leaver-to-disable days as PNG (Pillow with the Thai font, raqm shaping; no Django):
a bar per leaver account, green when disabled within the agreed days, red when later, grey when still
enabled on the day judged (the days so far), the limit as a dashed red line."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from lakthan.lib.thai import digits

COLOURS = {
    "in_time": "#2e7d32",
    "late": "#b3261e",
    "enabled": "#9e9e9e",
    "text": "#1f2933",
    "limit": "#b3261e",
}
ROW, LEFT, WIDTH, TOP = 30, 300, 560, 56


@dataclass(frozen=True)
class Bar:
    account: str
    days: int
    disabled: bool  # False: still enabled on the day judged


def to_png(bars: list[Bar], limit: int, title: str, font_path: str | None, thai: bool = True) -> bytes:
    top = max([limit, *(b.days for b in bars)]) or 1
    height = TOP + ROW * max(len(bars), 1) + 40
    image = Image.new("RGB", (LEFT + WIDTH + 230, height), "white")
    draw = ImageDraw.Draw(image)

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default()

    regular, heading = font(20), font(24)

    def x(days: int) -> float:
        return LEFT + WIDTH * days / top

    draw.text((12, 12), title, fill=COLOURS["text"], font=heading)
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        kind = "enabled" if not bar.disabled else ("late" if bar.days > limit else "in_time")
        draw.text((12, y), bar.account, fill=COLOURS["text"], font=regular)
        draw.rectangle([LEFT, y + 4, max(x(bar.days), LEFT + 2), y + ROW - 6], fill=COLOURS[kind])
        label = digits(bar.days, thai=thai) + ("" if bar.disabled else " (ยังใช้งานได้)")
        draw.text((x(bar.days) + 6, y), label, fill=COLOURS["text"], font=regular)
    if not bars:
        draw.text((12, TOP), "ไม่มีผู้พ้นสภาพในรอบนี้", fill=COLOURS["text"], font=regular)
    limit_x, bottom = x(limit), height - 34
    for y in range(TOP - 6, bottom, 10):
        draw.line([(limit_x, y), (limit_x, min(y + 5, bottom))], fill=COLOURS["limit"], width=2)
    draw.text((limit_x + 4, bottom), f"{digits(limit, thai=thai)} วัน", fill=COLOURS["limit"], font=regular)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
