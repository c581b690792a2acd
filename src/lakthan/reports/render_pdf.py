"""PDF with WeasyPrint from the report's HTML, the report font embedded.

Thai has no spaces between words: Pango breaks lines with libthai's dictionary because the page
is lang="th". The FontConfiguration and the font stylesheet are built once per process: loading
fonts is most of WeasyPrint's start-up cost.
"""

from __future__ import annotations

from functools import cache

import pydyf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from lakthan.reports.context import ReportContext
from lakthan.reports.fonts import page_margin_css, pdf_families
from lakthan.reports.pdf_text_layer import fix_text_layer
from lakthan.reports.render_html import render_html

# Used by render_pdf_from_html for pages that bring no @page rule of their own.
_DEFAULT_PAGE = f"@page {{ size: A4; margin: {page_margin_css()}; }}"


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def _font_css() -> CSS:
    faces = "\n".join(
        f'@font-face {{ font-family: "{font.family}"; src: url("{path.as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for font in pdf_families()
        for (weight, style), path in font.files().items()
    )
    return CSS(string=f"{_DEFAULT_PAGE}\n{faces}", font_config=_font_config())


def render_pdf_from_html(html: str, base_url: str | None = None) -> bytes:
    """Any HTML page → PDF bytes, with the report font available as its family name ("Laksaman"), and
    Sarabun too when its wheel is installed."""
    document = HTML(string=html, base_url=base_url)
    return document.write_pdf(stylesheets=[_font_css()], font_config=_font_config(), finisher=_fix_text_layer)


def render_pdf(ctx: ReportContext) -> bytes:
    return render_pdf_from_html(render_html(ctx))


def _fix_text_layer(document, pdf: pydyf.PDF) -> None:
    fix_text_layer(pdf, [path for font in pdf_families() for path in font.files().values()])
