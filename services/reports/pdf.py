"""The report as PDF: the printable HTML laid out by WeasyPrint, with the embedded Sarabun font for Thai."""

from __future__ import annotations

from typing import Any

from weasyprint import HTML
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text.fonts import FontConfiguration

from catalog.reporting import IndicatorReport
from services.reports.fonts import glyph_texts
from services.reports.html import render_html


def render_pdf(report: IndicatorReport, *, compress: bool = True) -> bytes:
    _map_glyphs_to_their_own_text()
    fonts = FontConfiguration()  # needed for the @font-face rules of the page to take effect
    document = HTML(string=render_html(report, for_print=True))
    return document.write_pdf(font_config=fonts, uncompressed_pdf=not compress) or b""


class _GlyphText(dict[int, str]):
    """WeasyPrint's glyph → text map of one font, taking each glyph's own text where the font tells it.

    WeasyPrint gives a glyph the text of the cluster it was first drawn in, so in a Thai cluster (a consonant
    with its vowel and tone marks, several glyphs) the marks get nothing or the whole cluster, and every later
    use of the glyph reads wrong: pdftotext returned "นาหนัก" for "น้ำหนัก".
    """

    def __init__(self, own_texts: dict[int, str]) -> None:
        super().__init__()
        self.own_texts = own_texts

    def __setitem__(self, glyph_id: int, text: str) -> None:
        super().__setitem__(glyph_id, self.own_texts.get(glyph_id, text))


_original_font_init = pdf_fonts.Font.__init__


def _font_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _original_font_init(self, *args, **kwargs)
    if not self.bitmap:
        self.to_unicode = _GlyphText(glyph_texts(self.file_content))


def _map_glyphs_to_their_own_text() -> None:
    if pdf_fonts.Font.__init__ is not _font_init:
        pdf_fonts.Font.__init__ = _font_init
