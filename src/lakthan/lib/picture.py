"""A picture as a list of shapes (rectangles, lines, text), drawn the same way as SVG text and as a PNG
with Pillow, so the heat map and the trend are one picture in both formats (no Django).

Coordinates are SVG user units; the PNG is drawn at ``scale`` pixels per unit. Text positions are
baselines (``anchor``: start / middle / end), which Pillow's "ls"/"ms"/"rs" anchors draw alike. The SVG
is deterministic: the same shapes give the same bytes (no ids, no clock, integers where given).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html import escape
from typing import Any

FONT_FAMILY = "Sarabun, 'TH Sarabun New', Laksaman, 'Noto Sans Thai', Tahoma, sans-serif"
_PIL_ANCHOR = {"start": "ls", "middle": "ms", "end": "rs"}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str = ""
    css_class: str = ""
    data: tuple[tuple[str, str], ...] = ()  # data-* attributes (SVG only), for tests and scripts
    tooltip: str = ""  # <title> (SVG only)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: int
    fill: str = "#1f2933"
    anchor: str = "start"
    bold: bool = False
    vertical: bool = False  # read bottom to top (an axis title)
    css_class: str = ""


@dataclass
class Scene:
    width: int
    height: int
    title: str
    shapes: list[Rect | Line | Text] = field(default_factory=list)

    def add(self, *shapes: Rect | Line | Text) -> None:
        self.shapes.extend(shapes)


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def to_svg(scene: Scene, font_family: str = FONT_FAMILY) -> str:
    w, h = scene.width, scene.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'font-family="{escape(font_family)}" role="img" aria-label="{escape(scene.title)}">',
        f"<title>{escape(scene.title)}</title>",
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>',
    ]
    for s in scene.shapes:
        if isinstance(s, Rect):
            attrs = f'x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" height="{_n(s.h)}" fill="{s.fill}"'
            if s.stroke:
                attrs += f' stroke="{s.stroke}"'
            if s.css_class:
                attrs += f' class="{s.css_class}"'
            attrs += "".join(f' data-{k}="{escape(v)}"' for k, v in s.data)
            if s.tooltip:
                out.append(f"<rect {attrs}><title>{escape(s.tooltip)}</title></rect>")
            else:
                out.append(f"<rect {attrs}/>")
        elif isinstance(s, Line):
            out.append(
                f'<line x1="{_n(s.x1)}" y1="{_n(s.y1)}" x2="{_n(s.x2)}" y2="{_n(s.y2)}" '
                f'stroke="{s.stroke}" stroke-width="{_n(s.width)}"/>'
            )
        else:
            attrs = f'x="{_n(s.x)}" y="{_n(s.y)}" font-size="{s.size}" fill="{s.fill}"'
            if s.anchor != "start":
                attrs += f' text-anchor="{s.anchor}"'
            if s.bold:
                attrs += ' font-weight="bold"'
            if s.vertical:
                attrs += f' transform="rotate(-90 {_n(s.x)} {_n(s.y)})"'
            if s.css_class:
                attrs += f' class="{s.css_class}"'
            out.append(f"<text {attrs}>{escape(s.text)}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def to_png(scene: Scene, regular_font: str | None, bold_font: str | None = None, scale: int = 2) -> bytes:
    """The scene as PNG. Thai needs the raqm layout (Pillow built with it) and a Thai font; without a
    font file Pillow's own bitmap font is used (Latin only), so callers pass the report font."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (scene.width * scale, scene.height * scale), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        key = (size, bold)
        if key not in fonts:
            path = (bold_font or regular_font) if bold else regular_font
            if path is None:
                fonts[key] = ImageFont.load_default(size * scale)
            else:
                try:
                    fonts[key] = ImageFont.truetype(path, size * scale, layout_engine=ImageFont.Layout.RAQM)
                except (OSError, ImportError, KeyError):
                    fonts[key] = ImageFont.truetype(path, size * scale)
        return fonts[key]

    def px(value: float) -> int:
        return round(value * scale)

    for s in scene.shapes:
        if isinstance(s, Rect):
            # a shape narrower than one pixel still draws one pixel (Pillow refuses x1 < x0)
            x0, y0 = px(s.x), px(s.y)
            draw.rectangle(
                [x0, y0, max(x0, px(s.x + s.w) - 1), max(y0, px(s.y + s.h) - 1)],
                fill=s.fill,
                outline=s.stroke or None,
                width=scale if s.stroke else 0,
            )
        elif isinstance(s, Line):
            draw.line([px(s.x1), px(s.y1), px(s.x2), px(s.y2)], fill=s.stroke, width=max(1, px(s.width)))
        elif s.vertical:
            _vertical_text(image, s, font(s.size, s.bold), scale)
        else:
            draw.text(
                (px(s.x), px(s.y)),
                s.text,
                fill=s.fill,
                font=font(s.size, s.bold),
                anchor=_PIL_ANCHOR[s.anchor],
            )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _vertical_text(image: Any, s: Text, font: Any, scale: int) -> None:
    """Text turned a quarter to the left about its baseline point, as SVG's rotate(-90 x y) draws it."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(s.text, anchor="ls")
    width, height = right - left, bottom - top
    strip = Image.new("RGBA", (width + 2, height + 2), (255, 255, 255, 0))
    ImageDraw.Draw(strip).text((1 - left, 1 - top), s.text, fill=s.fill, font=font, anchor="ls")
    turned = strip.rotate(90, expand=True)
    # after the turn the baseline is the strip's right edge (x = -top); along it the text runs upwards
    shift = {"start": 0, "middle": width / 2, "end": width}[s.anchor]
    x = round(s.x * scale + top) - 1
    y = round(s.y * scale - turned.height + shift - left) + 1
    image.paste(turned, (x, y), turned)
