"""A validation report as stewards act on it (after Open Data Editor): the file's rows as a grid with the bad
cells marked and their messages, filters by error type and by column, the first errors of each type
summarised, and the whole list of errors for download as CSV or XLSX.

The report is the engine's, stored with the run, read here as data (``type``, ``rowNumber``, ``fieldName``,
``fieldNumber``, ``message``, ``messageTh``); the rows come from the file the run checked (kept in the
store by its hash), read with the engine's own CSV and XLSX readers.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dictionaries.validate.csvsource import open_source, python_rows
from dictionaries.validate.xlsxsource import open_sheet, sheet_rows
from schemas.formulas import csv_cell, keep_as_text
from schemas.messages import ProblemsError

SUMMARY_FIRST = 5  # errors shown under each type in the summary
GRID_ROWS = 100  # rows of the data grid per page
ROW_TYPES = {"blank-row", "primary-key"}  # errors of a whole row (the others are placed on their cell)
ERROR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (key, Thai, English): the columns of the downloadable error list
    ("rowNumber", "แถว", "Row"),
    ("fieldNumber", "คอลัมน์ที่", "Column number"),
    ("fieldName", "ฟิลด์ (หัวตาราง)", "Field (header)"),
    ("fieldTitle", "ชื่อฟิลด์ภาษาไทย", "Field title"),
    ("type", "ชนิดข้อผิดพลาด", "Error type"),
    ("title", "ชื่อข้อผิดพลาด", "Error title"),
    ("cell", "ค่าในช่อง", "Cell value"),
    ("messageTh", "ข้อความ (ไทย)", "Message (Thai)"),
    ("message", "ข้อความ (อังกฤษ)", "Message (English)"),
)


@dataclass
class TypeSummary:
    type: str
    title: str
    count: int
    first: list[dict[str, Any]]


@dataclass
class GridRow:
    number: int
    cells: list[str]
    errors: list[dict[str, Any]]  # the row's errors that the filter keeps
    by_column: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # fieldNumber → cell errors

    @property
    def row_errors(self) -> list[dict[str, Any]]:
        return [e for e in self.errors if e.get("fieldNumber") not in self.by_column]


@dataclass
class ReportView:
    errors: list[dict[str, Any]]  # every error, each with its field's Thai title
    shown: list[dict[str, Any]]  # after the filters
    summary: list[TypeSummary]
    types: list[tuple[str, str, int]]  # (type, title, count) for the filter
    columns: list[tuple[str, str, int]]  # (field name, Thai title, count) for the filter
    header: list[str] = field(default_factory=list)
    header_errors: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # fieldNumber → label errors
    table_errors: list[dict[str, Any]] = field(default_factory=list)  # of no row (header, encoding, source)
    rows: list[GridRow] = field(default_factory=list)
    file_kept: bool = True
    page: int = 1
    pages: int = 1


def titled_errors(report: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's errors, each with ``fieldTitle``: its field's Thai title (else its name)."""
    titles = {f.get("name"): f.get("title") or f.get("name") for f in schema.get("fields", [])}
    return [{**error, "fieldTitle": titles.get(error.get("fieldName"), error.get("fieldName") or "")}
            for error in report.get("errors", [])]


def filtered(errors: list[dict[str, Any]], error_type: str, column: str) -> list[dict[str, Any]]:
    return [e for e in errors if (not error_type or e.get("type") == error_type)
            and (not column or e.get("fieldName") == column)]


def summarise(errors: list[dict[str, Any]], first: int = SUMMARY_FIRST) -> list[TypeSummary]:
    kinds: dict[str, TypeSummary] = {}
    for error in errors:
        kind = kinds.setdefault(error["type"], TypeSummary(error["type"], error.get("title", ""), 0, []))
        kind.count += 1
        if len(kind.first) < first:
            kind.first.append(error)
    return sorted(kinds.values(), key=lambda kind: -kind.count)


def build(report: dict[str, Any], schema: dict[str, Any], path: Path | None, *, error_type: str = "",
          column: str = "", every_row: bool = False, page: int = 1) -> ReportView:
    """The page's model. ``every_row``: the file's rows in order (else only rows with errors kept by the
    filters); ``path``: the checked file, None when it is no longer kept."""
    errors = titled_errors(report, schema)
    shown = filtered(errors, error_type, column)
    type_counts = Counter(e["type"] for e in errors)
    titles = {e["type"]: e.get("title", "") for e in errors}
    column_counts = Counter(e["fieldName"] for e in errors if e.get("fieldName"))
    field_titles = {e["fieldName"]: e["fieldTitle"] for e in errors if e.get("fieldName")}
    view = ReportView(
        errors=errors, shown=shown, summary=summarise(shown),
        types=[(kind, titles[kind], count) for kind, count in type_counts.most_common()],
        columns=[(name, field_titles[name], count) for name, count in column_counts.most_common()],
        table_errors=[e for e in shown if e.get("rowNumber") is None and e.get("fieldNumber") is None],
    )
    for error in shown:
        if error.get("rowNumber") is None and error.get("fieldNumber") is not None:
            view.header_errors.setdefault(int(error["fieldNumber"]), []).append(error)
    by_row: dict[int, list[dict[str, Any]]] = {}
    for error in shown:
        if error.get("rowNumber") is not None:
            by_row.setdefault(int(error["rowNumber"]), []).append(error)
    if every_row:
        total = int(report.get("stats", {}).get("rows", 0))
        wanted = list(range(2 + (page - 1) * GRID_ROWS, 2 + min(page * GRID_ROWS, total)))
        view.pages = max(1, -(-total // GRID_ROWS))
    else:
        numbers = sorted(by_row)
        view.pages = max(1, -(-len(numbers) // GRID_ROWS))
        wanted = numbers[(page - 1) * GRID_ROWS: page * GRID_ROWS]
    view.page = page
    view.file_kept = path is not None and path.is_file()
    if path is None or not view.file_kept:
        view.rows = [GridRow(n, [], by_row.get(n, [])) for n in wanted]
    else:
        view.header, found = read_rows(path, set(wanted))
        view.rows = [GridRow(n, found.get(n, []), by_row.get(n, [])) for n in wanted]
    for row in view.rows:
        for error in row.errors:
            number = error.get("fieldNumber")
            if number is not None and error["type"] not in ROW_TYPES:
                row.by_column.setdefault(int(number), []).append(error)
    return view


def read_rows(path: Path, wanted: set[int]) -> tuple[list[str], dict[int, list[str]]]:
    """The header and the rows numbered ``wanted`` (frictionless's row numbers: the header is row 1)."""
    found: dict[int, list[str]] = {}
    try:
        header, rows = _rows(path)
        last = max(wanted, default=0)
        for number, cells in rows:
            if number > last:
                break
            if number in wanted:
                found[number] = cells
    except (ProblemsError, OSError, ValueError, UnicodeError):
        return [], found
    return header, found


def _rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    if path.suffix.lower() == ".xlsx":
        workbook, sheet = open_sheet(path)
        every = sheet_rows(sheet)
        header = ["" if c is None else str(c) for c in next(every, [])]

        def xlsx_rows() -> Iterator[tuple[int, list[str]]]:
            try:
                for number, row in enumerate(every, start=2):
                    yield number, ["" if c is None else str(c) for c in row]
            finally:
                workbook.close()

        return header, xlsx_rows()
    source = open_source(path)

    def csv_rows() -> Iterator[tuple[int, list[str]]]:
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=source.encoding, errors="replace", newline="")
            yield from python_rows(source, text)

    return list(source.labels), csv_rows()


# -- the error list as files ---------------------------------------------------------------------------------


def _line(error: dict[str, Any]) -> list[Any]:
    return ["" if error.get(key) is None else error[key] for key, _, _ in ERROR_COLUMNS]


def errors_csv(errors: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the Thai), formula-like text neutralized."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{th} / {en}" for _, th, en in ERROR_COLUMNS])
    for error in errors:
        writer.writerow([csv_cell(value) for value in _line(error)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def errors_xlsx(errors: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ข้อผิดพลาด"
    sheet.append([f"{th} / {en}" for _, th, en in ERROR_COLUMNS])
    for error in itertools.islice(errors, 1_000_000):
        sheet.append(_line(error))
    for row in sheet.iter_rows():
        for cell in row:
            keep_as_text(cell)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
