"""Phrases a Thai reader does not accept broken across lines, and how each format keeps them whole.

Thai has no spaces between words, so the line breaker (libthai in the PDF, the browser's, Word's)
may break at any word boundary its dictionary finds, and at every space. A date («๑ ก.ค. ๒๕๕๖»), a
rank and name («พ.ต.ท.หญิง สมศรี  ใจดี»), a unit name («สำนักงานตรวจคนเข้าเมือง», from the data),
an abbreviation chain («บก.สส.สตม.»), a document number («ที่ ๐๐๒๙.๙๓/๑๔๖๑»), a telephone
number or a host name must stay on one line.

- HTML and PDF (the same HTML): each phrase in a ``<span class="nw">`` (``white-space: nowrap``);
  the text itself is unchanged, so search and copy-paste find it as written.
- DOCX: its spaces become NO-BREAK SPACEs and its Thai word boundaries get a WORD JOINER (U+2060),
  which Word and LibreOffice honour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html import escape, unescape

NBSP, WORD_JOINER = "\u00a0", "\u2060"
MAX_CHARS = 40  # a longer "phrase" is left breakable: kept whole it could not fit a table cell

_D = "[0-9๐-๙]"
_MONTHS = (
    "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค. มกราคม กุมภาพันธ์ มีนาคม เมษายน "
    "พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม"
).split()
# Police and military ranks (ยศ), longest first so "พล.ต.อ." is not read as "พ.ต.อ." after "พล".
_RANKS = sorted(
    (
        "พล.ต.อ. พล.ต.ท. พล.ต.ต. พ.ต.อ. พ.ต.ท. พ.ต.ต. ร.ต.อ. ร.ต.ท. ร.ต.ต. ด.ต. จ.ส.ต. ส.ต.อ. ส.ต.ท. ส.ต.ต. "
        "พล.อ. พล.ท. พล.ต. พ.อ. พ.ท. พ.ต. ร.อ. ร.ท. ร.ต. จ.ส.อ. จ.ส.ท. พล.ร.อ. พล.อ.อ. น.อ. น.ท. น.ต."
    ).split(),
    key=len,
    reverse=True,
)
_THAI_WORD = "[ก-๛]{1,30}"
_PATTERNS = [
    # a date, with its time: ๑ ก.ค. ๒๕๕๖, 20 ก.ย. 2556 10:30 น., ๑๑ กรกฎาคม พ.ศ. ๒๕๕๖
    rf"{_D}{{1,2}}\s+(?:{'|'.join(map(re.escape, _MONTHS))})\s*(?:พ\.ศ\.\s*)?{_D}{{4}}"
    rf"(?:\s+{_D}{{1,2}}[:.]{_D}{{2}}(?:\s*น\.)?)?",
    rf"(?:พ\.ศ\.|ค\.ศ\.)\s*{_D}{{4}}",
    # a rank and name: [ว่าที่] rank [หญิง] first name [surname]
    rf"(?:ว่าที่\s*)?(?:{'|'.join(map(re.escape, _RANKS))})(?:หญิง)?\s*{_THAI_WORD}(?:\s+{_THAI_WORD})?",
    # a document number: ที่ ๐๐๒๙.๙๓/๑๔๖๑, ที่ 1/2556
    rf"ที่\s+{_D}+(?:[./\-]{_D}+)*",
    # numbers in groups: a telephone number with its extension, ๑-๒, ๓๑๐๑-๑๐
    rf"{_D}+(?:[ ./:\-]{_D}+)+(?:\s+ต่อ\s+{_D}+)?",
    # an abbreviation chain: บก.สส.สตม., ศทส.ตม., สตม.
    r"(?<![ก-๛])[ก-ฮ]{1,6}\.(?:[ก-ฮ]{1,6}\.)*",
    # a URL, a host name or an IP address
    r"https?://[^\s<>\"]+",
    r"\b[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\b",
]
_FIXED = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
# Terms of the report form that the dictionary does not know as one word.
TERMS = ("ตัวชี้วัด",)


def spans(text: str, names: Iterable[str] = ()) -> list[tuple[int, int]]:
    """(start, end) of every phrase of `text` to keep on one line, merged where they overlap.

    `names` are proper names from the data (agency and unit names), kept whole wherever they occur.
    """
    found = [m.span() for m in _FIXED.finditer(text)]
    found += [m.span() for m in _names_pattern(tuple(sorted(set(names) | set(TERMS)))).finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [(s, e) for s, e in merged if 1 < e - s <= MAX_CHARS and text[s:e].strip()]


@cache
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    parts = sorted((re.escape(n.strip()) for n in names if n and n.strip()), key=len, reverse=True)
    return re.compile("|".join(parts) or r"(?!)")


def html_text(text: str, names: Iterable[str] = ()) -> str:
    """Escaped `text` with each phrase in a <span class="nw"> (CSS white-space: nowrap)."""
    out, pos = [], 0
    for start, end in spans(text, names):
        out += [
            escape(text[pos:start], quote=False),
            f'<span class="nw">{escape(text[start:end], quote=False)}</span>',
        ]
        pos = end
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


_TAG = re.compile(r"(<[^>]*>)")
_SKIP = re.compile(r"<(/?)(head|title|style|script|code|pre)\b", re.I)


def html_page(page: str, names: Iterable[str] = ()) -> str:
    """An HTML page with the phrases of its body text kept whole (not inside title, style, code)."""
    names = tuple(names)
    depth, out = 0, []
    for part in _TAG.split(page):
        if part.startswith("<"):
            if (skip := _SKIP.match(part)) is not None:
                depth += -1 if skip[1] else 1
            out.append(part)
        elif depth == 0 and part.strip():
            out.append(html_text(unescape(part), names))
        else:
            out.append(part)
    return "".join(out)


def docx_text(text: str, names: Iterable[str] = ()) -> str:
    """`text` with NO-BREAK SPACEs and WORD JOINERs inside each phrase, for Word's line breaker."""
    out, pos = [], 0
    for start, end in spans(text, names):
        out += [text[pos:start], _joined(text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _joined(phrase: str) -> str:
    from pythainlp.tokenize import word_tokenize  # its dictionary loads on first use

    words = []
    for chunk in re.split(r"(\s+)", phrase):
        if chunk.isspace():
            words.append(NBSP * len(chunk))
        elif re.search("[ก-๛]", chunk):
            words.append(WORD_JOINER.join(word_tokenize(chunk, engine="newmm", keep_whitespace=False)))
        else:
            words.append(chunk)
    return "".join(words)


def plain(text: str) -> str:
    """`text` without the DOCX marks: what a reader searches for."""
    return text.replace(NBSP, " ").replace(WORD_JOINER, "")
