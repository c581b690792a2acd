"""The diagonal draft watermark as an SVG picture of the words, not as text.

Drawn as text, «ฉบับร่าง» would be part of the PDF's text layer: in the middle of whatever the page
says, for search, copy-paste and screen readers. As outlines (the report font's bold glyphs), it is
only ink. Thai marks sit on zero-width glyphs placed over the previous letter; a tone mark over a
consonant without an upper vowel takes the font's lowered form, as shaping would.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

UPPER_VOWELS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47")
TONES = frozenset("\u0e48\u0e49\u0e4a\u0e4b\u0e4c")


@cache
def watermark_svg(text: str, font_file: Path, color: str = "#b91c1c", opacity: float = 0.13) -> str:
    ttf = TTFont(str(font_file), lazy=True)
    glyphs, cmap = ttf.getGlyphSet(), ttf.getBestCmap()
    x, paths, after_upper_vowel = 0, [], False
    for char in text:
        name = cmap.get(ord(char))
        if name is None:
            continue
        if char in TONES and not after_upper_vowel and f"{name}.low" in glyphs:
            name = f"{name}.low"
        pen = SVGPathPen(glyphs)
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))  # font units are y-up, SVG y-down
        paths.append(pen.getCommands())
        x += glyphs[name].width
        after_upper_vowel = char in UPPER_VOWELS or (after_upper_vowel and char in TONES)
    ascent, descent = ttf["hhea"].ascent, -ttf["hhea"].descent
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 {-ascent} {x} {ascent + descent}" '
        f'role="presentation"><path fill="{color}" fill-opacity="{opacity}" d="{" ".join(paths)}"/></svg>'
    )
