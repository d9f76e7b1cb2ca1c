"""The report as an Excel workbook (XlsxWriter): the quarterly table with a chart of progress against target,
the narratives, the datasets and the evidence with links; dates in Buddhist Era, as people read them.

Text is written with ``write_string`` (and the workbook turns no string into a formula or a link), so a
title or narrative starting with ``=`` is shown as written and never runs; only http(s) links are links."""

from __future__ import annotations

import io

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from catalog.reporting import IndicatorReport
from schemas.buddhist_era import format_be_date, iso_be
from schemas.urls import is_http_url

FONT = "TH Sarabun New"  # the Thai government's document font in Office; Excel falls back if it is absent


def render_xlsx(report: IndicatorReport) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    styles = _styles(book)
    _summary_sheet(book, report, styles)
    _narrative_sheet(book, report, styles)
    _datasets_sheet(book, report, styles)
    _evidence_sheet(book, report, styles)
    book.close()
    return buffer.getvalue()


def _styles(book: xlsxwriter.Workbook) -> dict[str, object]:
    base = {"font_name": FONT, "font_size": 14, "valign": "top"}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 18, "text_wrap": True}),
        "head": book.add_format({**base, "bold": True, "bg_color": "#EEF2F9", "border": 1, "text_wrap": True}),
        "cell": book.add_format({**base, "border": 1, "text_wrap": True}),
        "num": book.add_format({**base, "border": 1, "num_format": "0.00"}),
        "label": book.add_format({**base, "bold": True}),
        "text": book.add_format({**base, "text_wrap": True}),
        "link": book.add_format({**base, "border": 1, "font_color": "blue", "underline": 1, "text_wrap": True}),
    }


def _summary_sheet(book: xlsxwriter.Workbook, report: IndicatorReport, s: dict[str, object]) -> None:
    sheet = book.add_worksheet(f"ตัวชี้วัด {report.indicator.code}")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 8, 18)
    code = f" : {report.organization_code}" if report.organization_code else ""
    sheet.merge_range(0, 0, 0, 8, f"{report.indicator.code} {report.indicator.name.th}{code}", s["title"])
    sheet.set_row(0, 48)
    facts = [
        ("หน่วยงาน", report.organization_title), ("ปีงบประมาณ", f"{report.fiscal_year_th} "
         f"({format_be_date(report.period_start, long=False)} – {format_be_date(report.period_end, long=False)})"),
        ("ค่าเป้าหมาย คะแนน (น้ำหนัก)", report.weight), ("ผลงานที่ทำได้ (ร้อยละ)", report.achieved),
        ("คะแนนที่ได้รับ", report.score), ("ประเภทตัวชี้วัด", report.indicator.kind.th),
        ("ข้อมูล ณ วันที่", format_be_date(report.as_of)),
        ("เกณฑ์", f"ตัวชี้วัดที่ {report.indicator.code} {report.fiscal_year_th}"),
    ]
    if report.headline:
        facts.append(("ผลการตรวจประเมิน", report.headline))
    for row, (label, value) in enumerate(facts, start=1):
        sheet.write_string(row, 0, label, s["label"])
        _value(sheet, row, 1, "-" if value is None else value, s["text"])
    top = len(facts) + 2
    # the KPI page's own columns first (ไตรมาสที่, ผลงาน, ผลประเมินตัวชี้วัด and its 2.1 / 2.2), then Banchi's
    headers = ["ไตรมาสที่ (1 - 4)", "ผลงาน (คะแนน)", "ผลประเมินตัวชี้วัด (คะแนน)", "ผลประเมินตัวชี้วัด (2.1 / 2.2)",
               "ช่วงเวลา", "ค่าเป้าหมายสะสม (ร้อยละ)", "บรรลุเป้าหมาย", "คะแนนที่ได้รับ", "ขั้นตอน"]
    sheet.write_row(top, 0, headers, s["head"])
    for index, q in enumerate(report.quarters, start=top + 1):
        met = "อยู่ระหว่างไตรมาส" if q.running and not q.met else (
            "-" if q.met is None else ("บรรลุ" if q.met else "ไม่บรรลุ"))
        sheet.write_number(index, 0, q.quarter, s["cell"])
        sheet.write(index, 1, q.progress if q.progress is not None else "-", s["num"])
        _value(sheet, index, 2, q.audited if q.audited is not None else "-", s["cell"])
        sheet.write_string(index, 3, q.page_row[3], s["cell"])
        sheet.write_string(index, 4, q.period_th, s["cell"])
        sheet.write(index, 5, q.target, s["num"])
        sheet.write_string(index, 6, met, s["cell"])
        sheet.write(index, 7, q.score if q.score is not None else "", s["num"])
        _value(sheet, index, 8, q.stage if q.stage is not None else "-", s["cell"])
    first, last = top + 1, top + len(report.quarters)
    name = sheet.get_name()
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "ผลงาน (ร้อยละ)", "categories": [name, first, 0, last, 0],
                      "values": [name, first, 1, last, 1], "fill": {"color": "#2B5797"},
                      "data_labels": {"value": True, "num_format": "0.00"}})
    target = book.add_chart({"type": "line"})
    target.add_series({"name": "ค่าเป้าหมายสะสม", "categories": [name, first, 0, last, 0],
                       "values": [name, first, 5, last, 5], "line": {"color": "#B91D47", "dash_type": "dash"},
                       "marker": {"type": "circle", "fill": {"color": "#B91D47"}}})
    chart.combine(target)
    chart.set_title({"name": "ผลงานเทียบกับเป้าหมายรายไตรมาส", "name_font": {"name": FONT, "size": 16}})
    chart.set_x_axis({"name": "ไตรมาสที่", "num_font": {"name": FONT}})
    chart.set_y_axis({"name": "ร้อยละ", "min": 0, "max": 100, "major_unit": 20, "num_font": {"name": FONT}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    sheet.insert_chart(last + 2, 0, chart, {"x_scale": 1.6, "y_scale": 1.2})


def _narrative_sheet(book: xlsxwriter.Workbook, report: IndicatorReport, s: dict[str, object]) -> None:
    sheet = book.add_worksheet("รายงานผลรายไตรมาส")
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 110)
    sheet.set_column(2, 2, 22)
    sheet.write_row(0, 0, ["ไตรมาสที่", "รายงานผลการดำเนินงาน", "ที่มา"], s["head"])
    for row, q in enumerate(report.quarters, start=1):
        _row(sheet, row, [q.quarter, q.narrative.text,
                          "ร่างจากบันทึก" if q.narrative.drafted else "แก้ไขโดยหน่วยงาน"], s["cell"])


def _datasets_sheet(book: xlsxwriter.Workbook, report: IndicatorReport, s: dict[str, object]) -> None:
    sheet = book.add_worksheet("ชุดข้อมูล")
    sheet.set_column(0, 0, 50)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 4, 18)
    sheet.write_row(0, 0, ["ส่วน", "ชุดข้อมูล", "ชื่อ URL", "ขั้นตอนที่ถึง", "ต้องถึงขั้นตอน"], s["head"])
    row = 1
    for part in report.parts:
        for d in part.datasets:
            _row(sheet, row, [part.name_th, d.title, d.dataset, f"{d.effective_stage} {d.stage_name_th}",
                              part.target_stage], s["cell"])
            row += 1


def _evidence_sheet(book: xlsxwriter.Workbook, report: IndicatorReport, s: dict[str, object]) -> None:
    sheet = book.add_worksheet("หลักฐาน")
    widths = (14, 70, 45, 10, 24, 26, 60, 66)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.write_row(0, 0, ["วันที่ (พ.ศ.)", "หลักฐาน", "ชุดข้อมูล", "ขั้นตอน", "เกณฑ์", "ผู้เพิ่ม", "ลิงก์", "sha256"],
                    s["head"])
    for row, e in enumerate(report.evidence, start=1):
        _row(sheet, row, [iso_be(e.evidence_date), e.description, e.dataset_title or "-", e.stage or "-",
                          e.gate_th or "-", e.added_by_name], s["cell"])
        if is_http_url(e.url):
            sheet.write_url(row, 6, e.url, s["link"], string=e.filename or e.url)
        else:
            sheet.write_string(row, 6, e.filename or e.url, s["cell"])
        sheet.write_string(row, 7, e.sha256 or "", s["cell"])


def _value(sheet: Worksheet, row: int, column: int, value: object, style: object) -> None:
    """A number as a number; anything else as a string (never a formula, whatever it starts with)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, column, value, style)
    else:
        sheet.write_string(row, column, str(value), style)


def _row(sheet: Worksheet, row: int, values: list[object], style: object) -> None:
    for column, value in enumerate(values):
        _value(sheet, row, column, value, style)
