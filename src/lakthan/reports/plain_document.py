"""The plain documents the controls print beside the report — the drill report, the address plan and
findings, the websites, availability and usage tables: A4 landscape with the report's font (at the
size of TH SarabunPSK 16 pt) and official margins, page numbers, bordered tables whose grey head
repeats on every page, numbers in Thai digits unless the agency turned them off. Each document adds
its own rules after ``css()``; WeasyPrint renders them (reports.render_pdf)."""

from __future__ import annotations

import html

from django.conf import settings

from lakthan.lib.thai import digits
from lakthan.reports.fonts import page_margin_css, report_font


def thai() -> bool:
    return bool(getattr(settings, "LAKTHAN_THAI_DIGITS", True))


def number(value: object) -> str:
    """A number (or a text with digits) as the documents write it."""
    return digits(str(value), thai=thai())


def escape(text: object) -> str:
    return html.escape(str(text))


def page_counter() -> str:
    """The page number "๒ / ๕" in the documents' digits (CSS counters in WeasyPrint's ``thai`` style)."""
    style = "thai" if thai() else "decimal"
    return f'counter(page, {style}) " / " counter(pages, {style})'


def css(table_pt: int = 14, cell_padding: str = "1pt 3pt") -> str:
    """The rules every plain document shares; ``table_pt``: the tables' type size."""
    font = report_font()
    return f"""
@page {{ size: A4 landscape; margin: {page_margin_css()};
  @bottom-right {{ content: {page_counter()}; font-size: {font.pt(12)}pt; }} }}
body {{ font-family: "{font.family}", Laksaman, Sarabun; font-size: {font.pt(16)}pt; line-height: {font.line_height}; }}
h1 {{ font-size: {font.pt(20)}pt; text-align: center; margin: 0; }}
.sub {{ text-align: center; margin: 0 0 6pt; }}
h2 {{ font-size: {font.pt(16)}pt; margin: 10pt 0 2pt; break-after: avoid; }}
p {{ margin: 0 0 2pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: {font.pt(table_pt)}pt; margin: 2pt 0 4pt; }}
th, td {{ border: 0.75pt solid #000; padding: {cell_padding}; vertical-align: top; }}
th {{ background: #f2f2f2; font-weight: bold; text-align: center; }}
thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }}
.miss {{ color: #b91c1c; }} .muted {{ color: #555; }}
"""
