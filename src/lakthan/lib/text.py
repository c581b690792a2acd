"""Names and titles as people type them, without the invisible characters that disguise them."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what is
# displayed: "‮fdp.exe" shows as "exe.pdf". Other control characters (C0, C1) have no place in a name.
_HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b-\u001f\u007f-\u009f]")


def clean_line(text: str | None) -> str:
    """One line of text: the characters above removed, NFC-normalised, trimmed; tabs and newlines
    become spaces (a name or title is one line)."""
    cleaned = _HIDDEN.sub("", text or "").replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return unicodedata.normalize("NFC", cleaned).strip()


def clean_text(text: str | None) -> str:
    """Several lines (a description, a note): the same characters removed, line breaks kept."""
    lines = (clean_line(line) for line in (text or "").replace("\r\n", "\n").split("\n"))
    return "\n".join(lines).strip()
