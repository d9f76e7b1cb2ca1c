"""The report as PDF: the printable HTML laid out by WeasyPrint, with the embedded Sarabun font for Thai."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from catalog.reporting import IndicatorReport
from services.reports.html import render_html


def render_pdf(report: IndicatorReport, *, compress: bool = True) -> bytes:
    fonts = FontConfiguration()  # needed for the @font-face rules of the page to take effect
    document = HTML(string=render_html(report, for_print=True))
    return document.write_pdf(font_config=fonts, uncompressed_pdf=not compress) or b""
