"""The report font: Laksaman from Debian `fonts-tlwg-laksaman`, else Sarabun from the `fontpkg-sarabun` wheel,
at the size that draws as TH SarabunPSK 16 pt.

Thai official documents are set in TH SarabunPSK 16 pt (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ, the
Cabinet's 2010 font resolution). TH SarabunPSK has small glyphs for its em: 16 pt of it is the size
of ~10.6 pt of most fonts. TLWG made Laksaman from TH Sarabun New (TH SarabunPSK's successor, same
metrics) with every glyph and metric "scaled up by 150.42 %" (fonts-tlwg-laksaman's changelog,
2014-05-01; its fontconfig file 89-tlwg-laksaman-synthetic.conf draws "TH Sarabun" as Laksaman
× 0.66). So Laksaman at 16 / 1.5042 = 10.64 pt has TH SarabunPSK 16 pt's advance widths: a line
holds what it holds in Word. Google's Sarabun is the same design at Laksaman's scale (Thai advances
within 1 %): at 16 pt it draws 1.5 × too large, at the same 10.64 pt it matches too.

Sizes elsewhere are given in "official points" (what Word shows for TH SarabunPSK) and multiplied
by `FontFamily.scale` for the font actually drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

TLWG_DIR = Path("/usr/share/fonts/truetype/tlwg")
BODY_PT = 16  # the official size of government documents, in TH SarabunPSK points
OFFICIAL_FAMILY = "TH SarabunPSK"  # what the DOCX names: the font on every government PC
THAI_DIGITS_FAMILY = "Lakthan Thai Digits"  # the DOCX page numbers' font: 0–9 drawn as ๐–๙
TH_SARABUN_SCALE = 1 / 1.5042  # Laksaman (and Sarabun) size for one TH SarabunPSK point
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
    scale: float = 1.0  # drawn size / official (TH SarabunPSK) size

    @property
    def line_height(self) -> float:
        """Word's single line spacing for this font, in ems (its Windows ascent + descent)."""
        return _win_line_height(self.regular)

    def pt(self, official_pt: float) -> float:
        """The size to draw this font at for `official_pt` of TH SarabunPSK."""
        return round(official_pt * self.scale, 2)

    def files(self) -> dict[tuple[str, str], Path]:
        """(weight, style) → file, as CSS @font-face wants them."""
        return {
            ("normal", "normal"): self.regular,
            ("bold", "normal"): self.bold,
            ("normal", "italic"): self.italic,
            ("bold", "italic"): self.bold_italic,
        }


@cache
def _win_line_height(path: Path) -> float:
    from fontTools.ttLib import TTFont

    ttf = TTFont(str(path), lazy=True)
    os2 = ttf["OS/2"]
    return round((os2.usWinAscent + os2.usWinDescent) / ttf["head"].unitsPerEm, 3)


def _sarabun() -> FontFamily | None:
    try:
        import fontpkg

        def path(weight: int, style: str) -> Path:
            return Path(fontpkg.path("sarabun", weight=weight, style=style))

        return FontFamily(
            "Sarabun",
            path(400, "normal"),
            path(700, "normal"),
            path(400, "italic"),
            path(700, "italic"),
            TH_SARABUN_SCALE,
        )
    except Exception:  # package missing or incomplete: fall back to the system font
        return None


def _laksaman() -> FontFamily | None:
    names = ("Laksaman.ttf", "Laksaman-Bold.ttf", "Laksaman-Italic.ttf", "Laksaman-BoldItalic.ttf")
    paths = [TLWG_DIR / n for n in names]
    if not all(p.is_file() for p in paths):
        return None
    regular, bold, italic, bold_italic = paths
    return FontFamily("Laksaman", regular, bold, italic, bold_italic, TH_SARABUN_SCALE)


@cache
def report_font() -> FontFamily:
    for candidate in (_laksaman(), _sarabun()):
        if candidate is not None and candidate.regular.is_file():
            return candidate
    raise FontNotFound("no Laksaman (apt fonts-tlwg-laksaman) nor Sarabun (pip fontpkg-sarabun) font found")


@cache
def pdf_families() -> tuple[FontFamily, ...]:
    """Every family render_pdf_from_html provides by name: the report font first, then Sarabun (other
    pages, e.g. the backup compliance report, ask for it by name)."""
    found = [report_font(), *(f for f in (_laksaman(), _sarabun()) if f is not None)]
    return tuple(dict.fromkeys(found))


def page_margin_css() -> str:
    """The @page margin shorthand (top right bottom left)."""
    m = MARGIN_CM
    return f"{m['top']}cm {m['right']}cm {m['bottom']}cm {m['left']}cm"


@cache
def official_font_bytes(path: Path, style: str, family: str = OFFICIAL_FAMILY) -> bytes:
    """The font file at `path` as a TrueType font named TH SarabunPSK with its metrics: the same
    outlines on 1.5042 × more units per em, so 16 pt of it draws as 16 pt of TH SarabunPSK.

    The DOCX names TH SarabunPSK, the font officials expect to edit in, and embeds this file: Word
    and LibreOffice use it where TH SarabunPSK is not installed (LibreOffice would otherwise draw
    Laksaman at 16 pt, 1.5 × too large: it ignores fontconfig's scaling matrix).
    As THAI_DIGITS_FAMILY, the digits 0–9 map to the Thai digits' glyphs (for page-number fields).
    """
    import io

    from fontTools.ttLib import TTFont

    ttf = TTFont(str(path), recalcTimestamp=False)  # the same bytes each time: a signed DOCX re-renders
    ttf["head"].unitsPerEm = round(ttf["head"].unitsPerEm / TH_SARABUN_SCALE)
    origin = ttf["name"].getDebugName(4) or path.stem
    if family == THAI_DIGITS_FAMILY:
        for table in ttf["cmap"].tables:
            if table.isUnicode():
                for digit in range(10):
                    if (thai := table.cmap.get(0x0E50 + digit)) is not None:
                        table.cmap[0x30 + digit] = thai
    names = ttf["name"]
    for name_id, value in (
        (1, family),
        (2, style),
        (4, f"{family} {style}".replace(" Regular", "")),
        (6, f"{family.replace(' ', '')}-{style.replace(' ', '')}"),
        (10, f"{origin} (TLWG) at TH SarabunPSK's scale, embedded by Lakthan"),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    for name_id in (16, 17):  # typographic family names would keep the old family
        names.removeNames(nameID=name_id)
    out = io.BytesIO()
    ttf.save(out)
    return out.getvalue()
