"""The report font: Sarabun from the `fontpkg-sarabun` wheel, else Laksaman from Debian fonts-thai-tlwg.

Both are the TH Sarabun design; the PDF embeds the file found here, the DOCX names the family.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

TLWG_DIR = Path("/usr/share/fonts/truetype/tlwg")
BODY_PT = 16  # the official size of government documents


class FontNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFamily:
    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    def files(self) -> dict[tuple[str, str], Path]:
        """(weight, style) → file, as CSS @font-face wants them."""
        return {
            ("normal", "normal"): self.regular,
            ("bold", "normal"): self.bold,
            ("normal", "italic"): self.italic,
            ("bold", "italic"): self.bold_italic,
        }


def _sarabun() -> FontFamily | None:
    try:
        import fontpkg

        def path(weight: int, style: str) -> Path:
            return Path(fontpkg.path("sarabun", weight=weight, style=style))

        return FontFamily(
            "Sarabun", path(400, "normal"), path(700, "normal"), path(400, "italic"), path(700, "italic")
        )
    except Exception:  # package missing or incomplete: fall back to the system font
        return None


def _laksaman() -> FontFamily | None:
    names = ("Laksaman.ttf", "Laksaman-Bold.ttf", "Laksaman-Italic.ttf", "Laksaman-BoldItalic.ttf")
    paths = [TLWG_DIR / n for n in names]
    return FontFamily("Laksaman", *paths) if all(p.is_file() for p in paths) else None


@cache
def report_font() -> FontFamily:
    for candidate in (_sarabun(), _laksaman()):
        if candidate is not None and candidate.regular.is_file():
            return candidate
    raise FontNotFound("no Sarabun (pip fontpkg-sarabun) nor Laksaman (apt fonts-thai-tlwg) font found")
