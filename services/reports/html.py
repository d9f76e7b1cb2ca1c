"""The report as printable HTML (Jinja2), with Buddhist Era dates and the progress chart inline."""

from __future__ import annotations

import datetime as dt
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from catalog.reporting import IndicatorReport
from schemas.buddhist_era import format_be_date
from schemas.urls import safe_href
from services.reports.chart import progress_chart
from services.reports.fonts import font_face_css


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("services.reports", "templates"), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["be_date"] = _be_date
    env.filters["href"] = safe_href
    env.filters["number"] = lambda value, digits=2: "-" if value is None else f"{value:,.{digits}f}"
    return env


def render_html(report: IndicatorReport, *, for_print: bool = False) -> str:
    template = environment().get_template("indicator.html")
    return template.render(report=report, chart=Markup(progress_chart(report)),
                           fonts=Markup(font_face_css(for_pdf=for_print)), for_print=for_print)


def _be_date(value: dt.date | dt.datetime | None, long: bool = True) -> str:
    if value is None:
        return "-"
    return format_be_date(value, long=long)
