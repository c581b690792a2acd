"""The PDF's text layer: what search, copy-paste and pdftotext give for the Thai WeasyPrint draws.

WeasyPrint maps each glyph id to the text of the first cluster it is drawn in, and a glyph that is
not the last of its cluster to nothing (Kozea/WeasyPrint#2841). Thai shaping draws SARA AM (ำ) as
two glyphs, NIKHAHIT + SARA AA, with any tone mark of the syllable between them or fused with the
NIKHAHIT ("น้ำ" is น ํ ้ า). A ToUnicode CMap can give a glyph only one text, the same wherever it
is drawn, so no CMap can say that ํ + า is ำ here and า alone is า there: searching "สำนักงาน"
found nothing.

Two repairs, after WeasyPrint has laid out the PDF (a `write_pdf` finisher):

1. every glyph's ToUnicode entry is its own characters (from the font's cmap, else its glyph name
   in the original font file), so no glyph is lost or reads as a neighbour's text;
2. every NIKHAHIT … SARA AA run of glyphs, and every run of marks drawn in another order than the
   one written, is wrapped in a marked-content span whose /ActualText is the characters written
   (ISO 32000 14.9.4): readers that extract text (poppler, pdf.js, Acrobat) take that text instead
   of the glyphs', so the layer reads "ำ", not "ํา".
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import cache, partial
from pathlib import Path

import pydyf
from fontTools import agl
from fontTools.ttLib import TTFont

NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
TONES = frozenset("\u0e48\u0e49\u0e4a\u0e4b")
_BFCHAR = re.compile(rb"<([0-9a-f]{4})> <([0-9a-f]*)>")
_TJ_TOKEN = re.compile(rb"<([0-9a-f]*)>|(-?[0-9.]+)")
_PRIVATE_USE = (0xE000, 0xF8FF)
_REFERENCE = re.compile(rb"(\d+) 0 R")


def fix_text_layer(pdf: pydyf.PDF, font_files: list[Path]) -> None:
    """Repair the text layer of WeasyPrint's `pdf` in place; `font_files` are the fonts it embedded."""
    kinds_by_name: dict[bytes, dict[int, str]] = {}
    names = _font_resource_names(pdf)
    for number, font in _embedded_type0_fonts(pdf):
        texts = _glyph_texts(_font_program(pdf, font), tuple(font_files))
        cmap = _deref(pdf, font["ToUnicode"])
        cmap.stream = [_BFCHAR.sub(partial(_remap, texts=texts), line) for line in cmap.stream]
        if number in names:
            kinds_by_name[names[number]] = _glyph_kinds(texts)
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and any(_is_text_show(op) for op in obj.stream):
            obj.stream = _with_actual_text(obj.stream, kinds_by_name)


# --- fonts --------------------------------------------------------------------------------------


def _deref(pdf: pydyf.PDF, reference):
    return pdf.objects[int(reference.split()[0])]


def _embedded_type0_fonts(pdf: pydyf.PDF):
    for number, font in enumerate(pdf.objects):
        if isinstance(font, pydyf.Dictionary) and font.get("Subtype") == "/Type0" and "ToUnicode" in font:
            descriptor = _deref(pdf, _deref(pdf, font["DescendantFonts"][0])["FontDescriptor"])
            if "FontFile2" in descriptor:
                yield number, font


def _font_program(pdf: pydyf.PDF, font) -> bytes:
    descriptor = _deref(pdf, _deref(pdf, font["DescendantFonts"][0])["FontDescriptor"])
    return b"".join(_deref(pdf, descriptor["FontFile2"]).stream)


def _font_resource_names(pdf: pydyf.PDF) -> dict[int, bytes]:
    """font object number → its resource name (the operand of Tf), from the fonts dictionary."""
    names: dict[int, bytes] = {}
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and not isinstance(obj, pydyf.Stream):
            for key, value in obj.items():
                match = _REFERENCE.fullmatch(value) if isinstance(value, bytes) else None
                if match and isinstance(key, str):
                    names.setdefault(int(match[1]), b"/" + key.encode())
    return names


def _glyph_texts(subset: bytes, font_files: tuple[Path, ...]) -> dict[int, set[str]]:
    """glyph id → its possible texts: from the subset's cmap, or the original font's glyph names."""
    ttf = TTFont(io.BytesIO(subset), lazy=True)
    cmap = {cp: ttf.getGlyphID(name) for cp, name in (ttf.getBestCmap() or {}).items()}
    texts: dict[int, set[str]] = {}
    for codepoint, glyph in cmap.items():
        # Laksaman also maps the old Windows private-use codes of Thai mark forms (U+F700…) to its
        # glyphs: those are no text; the glyph's name says what it is.
        if not _PRIVATE_USE[0] <= codepoint <= _PRIVATE_USE[1]:
            texts.setdefault(glyph, set()).add(chr(codepoint))
    for original_cmap, names in map(_original, font_files):
        if all(original_cmap.get(cp) == glyph for cp, glyph in cmap.items()):  # same glyph ids
            for glyph, name in enumerate(names):
                if glyph not in texts and (text := _name_text(name)):
                    texts[glyph] = {text}
            break
    return texts


@cache
def _original(path: Path) -> tuple[dict[int, int], list[str]]:
    ttf = TTFont(str(path), lazy=True)
    return {cp: ttf.getGlyphID(name) for cp, name in ttf.getBestCmap().items()}, ttf.getGlyphOrder()


def _name_text(name: str) -> str:
    """'uni0E4D0E49' → '้ํ', 'uni0E49.low_left' → '้' (Adobe Glyph List rules)."""
    base = name.split(".")[0]
    text = agl.toUnicode(base) or agl.toUnicode(base.lower())
    # HarfBuzz draws NIKHAHIT before a tone mark (it is the ำ of e.g. น้ำ); text order is tone first.
    if len(text) == 2 and text[0] == NIKHAHIT and text[1] in TONES:
        text = text[::-1]
    return text


def _remap(match: re.Match, texts: dict[int, set[str]]) -> bytes:
    glyph = int(match[1], 16)
    text = bytes.fromhex(match[2].decode()).decode("utf-16-be")
    own = texts.get(glyph)
    if not own or text in own:
        return match[0]
    return b"<%s> <%s>" % (match[1], min(own).encode("utf-16-be").hex().encode())


# --- content streams ----------------------------------------------------------------------------


def _is_text_show(op) -> bool:
    return isinstance(op, bytes) and op.endswith(b"] TJ")


# A glyph as the span finder sees it: (op index, glyph index in that op, its marks / AA / None).
_Glyph = tuple[int, int, str | None]
_AA = "AA"  # the kind of a SARA AA glyph
_HEX = re.compile(rb"<([0-9a-f]+)>")


def _tj_tokens(op: bytes) -> list[bytes]:
    """'[<01e102f8>-9<01e8>] TJ' → [b'<01e1>', b'<02f8>', b'-9', b'<01e8>']."""
    tokens: list[bytes] = []
    for match in _TJ_TOKEN.finditer(op[1:-3]):
        if match[1]:
            tokens.extend(b"<%s>" % match[1][k : k + 4] for k in range(0, len(match[1]), 4))
        else:
            tokens.append(match[0])
    return tokens


def _glyph_kinds(texts: dict[int, set[str]]) -> dict[int, str]:
    """glyph id → the combining marks it draws (a tone, a vowel above or below, NIKHAHIT + tone), or
    _AA for SARA AA; glyphs of neither kind are left out."""
    kinds = {}
    for glyph, own in texts.items():
        mark = next((t for t in sorted(own) if t and all(unicodedata.category(c) == "Mn" for c in t)), None)
        if mark is not None:
            kinds[glyph] = mark
        elif SARA_AA in own:
            kinds[glyph] = _AA
    return kinds


def _with_actual_text(ops: list, kinds_by_name: dict[bytes, dict[int, str]]) -> list:
    """`ops` with each misread run of glyphs wrapped in /Span <</ActualText (…)>> BDC … EMC."""
    glyphs: list[_Glyph] = []
    kinds: dict[int, str] = {}
    spans: list[tuple[_Glyph, _Glyph, str]] = []
    for i, op in enumerate(ops):
        if not isinstance(op, bytes):
            continue
        if op.endswith(b" Tf"):
            kinds = kinds_by_name.get(op.split()[0], {})
        elif op in (b"BT", b"ET"):  # a marked-content span may not cross a text object's ends
            spans.extend(_misread_spans(glyphs))
            glyphs = []
        elif _is_text_show(op) and kinds:
            n = 0
            for match in _HEX.finditer(op):
                for k in range(0, len(match[1]), 4):
                    glyphs.append((i, n, kinds.get(int(match[1][k : k + 4], 16))))
                    n += 1
    spans.extend(_misread_spans(glyphs))
    return _rewrite(ops, spans) if spans else ops


def _misread_spans(glyphs: list[_Glyph]) -> list[tuple[_Glyph, _Glyph, str]]:
    """(first glyph, last glyph, text written) of each run of mark glyphs whose own texts, in drawing
    order, are not the text written: NIKHAHIT [tones] SARA AA for ำ, and marks drawn out of the
    canonical order (Laksaman draws the tone of "ผู้" before its SARA UU)."""
    spans, i = [], 0
    while i < len(glyphs):
        marks, end = "", i
        while end < len(glyphs) and (mark := glyphs[end][2]) is not None and mark != _AA:
            marks += mark
            end += 1
        if not marks:
            i += 1
            continue
        drawn = marks
        if NIKHAHIT in marks and end < len(glyphs) and glyphs[end][2] == _AA:
            drawn, end = marks + SARA_AA, end + 1
            written = unicodedata.normalize("NFD", marks.replace(NIKHAHIT, "")) + SARA_AM
        else:
            written = unicodedata.normalize("NFD", marks)
        if written != drawn:
            spans.append((glyphs[i], glyphs[end - 1], written))
        i = end
    return spans


def _rewrite(ops: list, spans) -> list:
    starts = {first[:2]: text for first, _, text in spans}
    ends = {last[:2] for _, last, _ in spans}
    touched = {op for op, _ in starts} | {op for op, _ in ends}
    out: list = []
    for i, op in enumerate(ops):
        if i not in touched:
            out.append(op)
            continue
        piece: list[bytes] = []
        n = -1  # glyph index of the current token
        for token in _tj_tokens(op):
            glyph = len(token) == 6 and token.startswith(b"<")
            n += glyph
            if glyph and (i, n) in starts:
                _flush(piece, out)
                actual = ("\ufeff" + starts[i, n]).encode("utf-16-be").hex().encode()
                out.append(b"/Span <</ActualText <%s>>> BDC" % actual)
            piece.append(token)
            if glyph and (i, n) in ends:
                _flush(piece, out)
                out.append(b"EMC")
        _flush(piece, out)
    return out


def _flush(piece: list[bytes], out: list) -> None:
    """Show the tokens gathered so far as one TJ (a lone position adjustment keeps its move)."""
    if piece:
        glyphs = any(t.startswith(b"<") for t in piece)
        out.append(b"[" + (b"" if glyphs else b"<> ") + b" ".join(piece) + b"] TJ")
    piece.clear()
