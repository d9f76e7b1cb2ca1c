"""The evaluator's report of an indicator, rendered from ``catalog.reporting.IndicatorReport``:
printable HTML, PDF, XLSX and JSON."""

from __future__ import annotations

from enum import StrEnum

from catalog.reporting import IndicatorReport


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"
    json = "json"


def render(report: IndicatorReport, fmt: ReportFormat) -> bytes:
    if fmt is ReportFormat.html:
        from services.reports.html import render_html

        return render_html(report).encode("utf-8")
    if fmt is ReportFormat.pdf:
        from services.reports.pdf import render_pdf

        return render_pdf(report)
    if fmt is ReportFormat.xlsx:
        from services.reports.xlsx import render_xlsx

        return render_xlsx(report)
    return report.model_dump_json(indent=2).encode("utf-8")
