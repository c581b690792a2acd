"""PDF with WeasyPrint from the report's HTML, the report font embedded.

Thai has no spaces between words: Pango breaks lines with libthai's dictionary because the page
is lang="th". The FontConfiguration and the font stylesheet are built once per process: loading
fonts is most of WeasyPrint's start-up cost.
"""

from __future__ import annotations

import io
import re
from functools import cache, partial

import pydyf
from fontTools import agl
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from lakthan.reports.context import ReportContext
from lakthan.reports.fonts import report_font
from lakthan.reports.render_html import render_html

# Used by render_pdf_from_html for pages that bring no @page rule of their own.
_DEFAULT_PAGE = "@page { size: A4; margin: 2.5cm 2cm; }"
_BFCHAR = re.compile(rb"<([0-9a-f]{4})> <([0-9a-f]*)>")


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def _font_css() -> CSS:
    font = report_font()
    faces = "\n".join(
        f'@font-face {{ font-family: "{font.family}"; src: url("{path.as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for (weight, style), path in font.files().items()
    )
    return CSS(string=f"{_DEFAULT_PAGE}\n{faces}", font_config=_font_config())


def render_pdf_from_html(html: str, base_url: str | None = None) -> bytes:
    """Any HTML page → PDF bytes, with the report font available as its family name (e.g. "Sarabun")."""
    document = HTML(string=html, base_url=base_url)
    return document.write_pdf(stylesheets=[_font_css()], font_config=_font_config(), finisher=_fix_text_layer)


def render_pdf(ctx: ReportContext) -> bytes:
    return render_pdf_from_html(render_html(ctx))


def _fix_text_layer(document, pdf: pydyf.PDF) -> None:
    """Give every glyph its own characters in the ToUnicode CMaps, so copied and searched text is right.

    WeasyPrint maps a glyph to the text of the first cluster it is drawn in, and a glyph that is not
    the last of its cluster to nothing (Kozea/WeasyPrint#2841). Thai shaping draws ำ as NIKHAHIT +
    า, and a NIKHAHIT + tone mark as one ligature glyph, so "สำนักงาน" came out as "สำนักงำน" and
    "น้ำ" as "นา". Here a glyph takes its characters from the font's cmap, else from its glyph name in
    the original font file (the subset has none): ำ then reads as its compatibility decomposition ํา.
    """

    def deref(reference: bytes):
        return pdf.objects[int(reference.split()[0])]

    for font in list(pdf.objects):
        if not (
            isinstance(font, pydyf.Dictionary) and font.get("Subtype") == "/Type0" and "ToUnicode" in font
        ):
            continue
        descriptor = deref(deref(font["DescendantFonts"][0])["FontDescriptor"])
        if "FontFile2" not in descriptor:
            continue
        remap = partial(_remap, texts=_glyph_texts(b"".join(deref(descriptor["FontFile2"]).stream)))
        cmap = deref(font["ToUnicode"])
        cmap.stream = [_BFCHAR.sub(remap, line) for line in cmap.stream]


def _glyph_texts(subset: bytes) -> dict[int, set[str]]:
    """glyph id → its possible texts: from the subset's cmap, or the original font's glyph names."""
    ttf = TTFont(io.BytesIO(subset), lazy=True)
    cmap = {cp: ttf.getGlyphID(name) for cp, name in (ttf.getBestCmap() or {}).items()}
    texts: dict[int, set[str]] = {}
    for codepoint, glyph in cmap.items():
        texts.setdefault(glyph, set()).add(chr(codepoint))
    for original_cmap, names in map(_original, report_font().files().values()):
        if all(original_cmap.get(cp) == glyph for cp, glyph in cmap.items()):  # same glyph ids
            for glyph, name in enumerate(names):
                if glyph not in texts and (text := _name_text(name)):
                    texts[glyph] = {text}
            break
    return texts


@cache
def _original(path) -> tuple[dict[int, int], list[str]]:
    ttf = TTFont(str(path), lazy=True)
    return {cp: ttf.getGlyphID(name) for cp, name in ttf.getBestCmap().items()}, ttf.getGlyphOrder()


def _name_text(name: str) -> str:
    """'uni0E4D0E49' → '้ํ', 'yoYingthai.less' → 'ญ' (Adobe Glyph List rules)."""
    base = name.split(".")[0]
    text = agl.toUnicode(base) or agl.toUnicode(base.lower())
    # HarfBuzz draws NIKHAHIT before a tone mark (it is the ำ of e.g. น้ำ); text order is tone first.
    if len(text) == 2 and text[0] == "\u0e4d" and "\u0e48" <= text[1] <= "\u0e4b":
        text = text[::-1]
    return text


def _remap(match: re.Match, texts: dict[int, set[str]]) -> bytes:
    glyph = int(match[1], 16)
    text = bytes.fromhex(match[2].decode()).decode("utf-16-be")
    own = texts.get(glyph)
    if not own or text in own:
        return match[0]
    return b"<%s> <%s>" % (match[1], min(own).encode("utf-16-be").hex().encode())
