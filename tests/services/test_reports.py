"""The evaluator's report in all four formats, from the demo year."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest
from openpyxl import load_workbook

from catalog.demo import load_demo
from catalog.links import serving_at
from catalog.reporting import IndicatorReport, indicator_report
from services.reports import ReportFormat, render
from services.reports.html import render_html
from services.reports.pdf import render_pdf
from tests.conftest import OpenContext

TITLE = "ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูล"
SITE = "https://catalog.example"


@pytest.fixture
def report(open_ctx: OpenContext) -> IndicatorReport:
    with open_ctx() as ctx:
        load_demo(ctx)
    with serving_at(SITE), open_ctx() as ctx:  # as the web page makes it: links start where the client came
        return indicator_report(ctx, "bma-hrd", 2564)


def test_report_data(report: IndicatorReport) -> None:
    assert [(q.target, q.progress, q.audited) for q in report.quarters] == [
        (5, 5, 95), (30, 30, 100), (70, 70, 100), (100, 100, 95)]
    assert all(not q.narrative.drafted for q in report.quarters)
    assert [len(part.datasets) for part in report.parts] == [1, 1]
    assert [m.meeting_date.isoformat() for m in report.meetings] == ["2020-12-14", "2021-02-26"]
    assert len(report.evidence) >= 7 and any(e.kind == "document" and e.sha256 for e in report.evidence)


def test_html_is_printable_with_thai_chart_and_links(report: IndicatorReport) -> None:
    html = render(report, ReportFormat.html).decode("utf-8")
    assert TITLE in html and "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร" in html
    assert "95 / 100" in html and "ไตรมาสที่ 1: 95" in html
    assert "<svg" in html and "@font-face" in html and "Sarabun" in html
    assert "14 ธันวาคม 2563" in html or "14 ธ.ค. 2563" in html
    assert 'href="http://www.bangkok.go.th/training/"' in html


def test_narrative_drafts_are_marked(report: IndicatorReport) -> None:
    drafted = report.quarters[0].narrative.model_copy(update={"drafted": True, "text": "ร่าง"})
    quarters = [report.quarters[0].model_copy(update={"narrative": drafted}), *report.quarters[1:]]
    html = render_html(report.model_copy(update={"quarters": quarters}))
    assert "ร่างจากบันทึกการดำเนินงาน" in html


def test_pdf_embeds_the_thai_font(report: IndicatorReport, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(report, compress=False)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert b"Sarabun" in pdf  # the embedded font: Thai glyphs come from it, not from the machine
    assert not [r for r in caplog.records if "unsupported by fonts" in r.getMessage()]  # no missing glyph


def test_xlsx_has_table_chart_and_buddhist_era_dates(report: IndicatorReport) -> None:
    content = render(report, ReportFormat.xlsx)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())
    book = load_workbook(io.BytesIO(content))
    summary = book[book.sheetnames[0]]
    rows = [[cell.value for cell in row] for row in summary.iter_rows()]
    assert TITLE in str(rows[0][0])
    table = next(i for i, row in enumerate(rows) if row[0] == "ไตรมาสที่ (1 - 4)")
    assert [row[1] for row in rows[table + 1: table + 5]] == [5, 30, 70, 100]
    assert [row[2] for row in rows[table + 1: table + 5]] == [95, 100, 100, 95]
    assert [row[3] for row in rows[table + 1: table + 5]] == ["95 / 100", "100 / 100", "100 / 100", "100 / 100"]
    assert [row[5] for row in rows[table + 1: table + 5]] == [5, 30, 70, 100]  # the targets
    evidence = book["หลักฐาน"]
    dates = [row[0].value for row in evidence.iter_rows(min_row=2)]
    assert "2563-12-14" in dates and all(str(d).startswith("256") for d in dates)
    assert evidence.cell(row=2, column=7).hyperlink is not None
    assert all(e.url.startswith(("http://", "https://")) for e in report.evidence)
    assert any(e.url.startswith(f"{SITE}/evidence/") for e in report.evidence)


def test_a_report_made_without_a_request_or_site_url_names_its_stored_evidence_by_path(
    report: IndicatorReport, open_ctx: OpenContext
) -> None:
    with open_ctx() as ctx:  # the command line: no request, BANCHI_SITE_URL unset
        made = indicator_report(ctx, "bma-hrd", 2564)
    stored = [e for e in made.evidence if e.kind == "document"]
    assert stored and all(e.url.startswith("/evidence/") for e in stored)
    book = load_workbook(io.BytesIO(render(made, ReportFormat.xlsx)))["หลักฐาน"]
    shown = {row[6].value for row in book.iter_rows(min_row=2)}
    assert {e.filename or e.url for e in stored} <= shown  # a path is no link: the file's name is shown


def test_json_round_trips(report: IndicatorReport) -> None:
    data = json.loads(render(report, ReportFormat.json))
    assert data["weight"] == 10 and data["achieved"] == 100
    assert [q["met"] for q in data["quarters"]] == [True] * 4
    assert data["indicator"]["name"]["th"].startswith(TITLE)
