"""The report font: Laksaman from Debian `fonts-tlwg-laksaman`, else Sarabun from the `fontpkg-sarabun` wheel.

Thai official documents are set in TH SarabunPSK 16 pt (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ and
the Cabinet's 2010 font resolution). TLWG's Laksaman is that design with its metrics (the same advance
widths and vertical metrics), so a Laksaman line holds what a TH SarabunPSK line holds in Word.
Google's Sarabun is the same design redrawn: its Thai advances are within 1 % of Laksaman's (a 16 cm
line holds the same ~60 characters), but its x-height and line box differ, so it is only the fallback.
The PDF embeds the file found here, the DOCX names the family and embeds it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

TLWG_DIR = Path("/usr/share/fonts/truetype/tlwg")
BODY_PT = 16  # the official size of government documents
# Page margins of official correspondence (งานสารบรรณ): 3 cm left (binding), 2 cm right.
MARGIN_CM = {"top": 2.5, "right": 2.0, "bottom": 2.0, "left": 3.0}


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
    for candidate in (_laksaman(), _sarabun()):
        if candidate is not None and candidate.regular.is_file():
            return candidate
    raise FontNotFound("no Laksaman (apt fonts-tlwg-laksaman) nor Sarabun (pip fontpkg-sarabun) font found")


def page_margin_css() -> str:
    """The @page margin shorthand (top right bottom left)."""
    m = MARGIN_CM
    return f"{m['top']}cm {m['right']}cm {m['bottom']}cm {m['left']}cm"
