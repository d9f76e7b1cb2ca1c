"""Read a catalog workbook in the GD Catalog template into rows, naming every structural problem.

The file is checked before openpyxl opens it (``safety``). Each sheet's header must be on the template's
header row; a header as wide as the template's is read by position, as the GD Catalog importer
(ckanext-thai_gdc) reads it, with a warning for each header text that is not the column's; any other
header is read by column names (the importer's keys, or the profile's Thai or English labels). Formula
cells and merged cells are refused with their place named.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from schemas.excel_messages import excel_problem
from schemas.excel_template import (
    NOTE_COLUMNS,
    NOTES_SHEET,
    ORGANIZATION_COLUMNS,
    ORGANIZATIONS_SHEET,
    VERSION_COLUMNS,
    VERSIONS_SHEET,
    ExcelTemplate,
    ExportedVersion,
    SheetLayout,
    SheetRow,
    WorkbookContent,
    load_template,
)
from schemas.messages import Problem, ProblemsError
from services.excel.safety import check_workbook_file

HEADER_SEARCH_ROWS = 15  # how far to look for a header that moved


@dataclass(frozen=True)
class _Column:
    key: str
    names: frozenset[str]  # folded texts a header cell may hold for it
    optional: bool
    label: str
    label_en: str = ""


def read_catalog_workbook(path: Path, template: ExcelTemplate | None = None) -> WorkbookContent:
    """The rows of every template sheet; file-level problems raise, sheet and cell problems are collected."""
    template = template or load_template()
    check_workbook_file(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops (e.g. extensions)
            book = load_workbook(path, data_only=False, rich_text=False)  # formulas kept, so they can be refused
    except Exception as exc:  # openpyxl raises many kinds for damaged parts
        raise ProblemsError([excel_problem("not_xlsx", value=path.name, detail=str(exc) or type(exc).__name__)]) \
            from exc
    content = WorkbookContent(template=template.id)
    try:
        expected = [layout.sheet for layout in (*template.dataset_layouts, *template.resource_layouts)]
        for layout in template.dataset_layouts:
            content.datasets += _layout_rows(book, layout, template, expected, content.problems, content.warnings)
        for layout in template.resource_layouts:
            content.resources += _layout_rows(book, layout, template, expected, content.problems,
                                              content.warnings)
        if ORGANIZATIONS_SHEET in book.sheetnames:
            columns = [_Column(key, frozenset({key}), key != "name", key) for key in ORGANIZATION_COLUMNS]
            content.organizations = _rows(book[ORGANIZATIONS_SHEET], columns, template, content.problems)
        if VERSIONS_SHEET in book.sheetnames:
            content.versions = _versions(book[VERSIONS_SHEET], content.problems)
        if NOTES_SHEET in book.sheetnames:
            _restore_noted_values(book[NOTES_SHEET], template, content)
    finally:
        book.close()
    return content


def _restore_noted_values(sheet: Worksheet, template: ExcelTemplate, content: WorkbookContent) -> None:
    """Cells an export wrote for thai_gdc's importer (one choice per cell): where a cell still holds what
    was exported, read the value Banchi held, which the notes sheet keeps, so a round trip loses nothing."""
    rows = sheet.iter_rows(values_only=True)
    header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
    if header[:len(NOTE_COLUMNS)] != list(NOTE_COLUMNS):
        return  # not an export's notes sheet: nothing to restore
    at = {key: index for index, key in enumerate(NOTE_COLUMNS)}
    held: dict[tuple[str, str, str, str], tuple[str, Any]] = {}
    for values in rows:
        values = tuple(values) + (None,) * len(NOTE_COLUMNS)
        if values[at["banchi_value"]] is None or values[at["cell"]] is None:
            continue
        key = [str(values[at[k]] or "") for k in ("sheet", "dataset", "resource", "field")]
        held[(key[0], key[1], key[2], key[3])] = (str(values[at["cell"]]), values[at["banchi_value"]])
    if not held:
        return
    for row in (*content.datasets, *content.resources):
        layout = template.layout_of(row.sheet)
        if layout is None:
            continue
        if layout.level == "dataset":
            names = (str(row.cells.get(template.name_column) or ""), "")
        else:
            names = (str(row.cells.get(template.resource_dataset_column) or ""),
                     str(row.cells.get(template.resource_name_column) or ""))
        for column in layout.columns:
            found = held.get((row.sheet, *names, column.key))
            cell = row.cells.get(column.key)
            if found is not None and cell is not None and str(cell).strip() == found[0]:
                row.cells[column.key] = found[1]


def _versions(sheet: Worksheet, problems: list[Problem]) -> dict[tuple[str, str], ExportedVersion]:
    """The hidden sheet an export writes: (dataset, resource) → id and version as exported."""
    versions: dict[tuple[str, str], ExportedVersion] = {}
    rows = sheet.iter_rows(values_only=True)
    header = [str(v).strip() if v is not None else "" for v in next(rows, ())][:len(VERSION_COLUMNS)]
    if header != list(VERSION_COLUMNS):
        problems.append(excel_problem("header_not_found", sheet=sheet.title, row=1, expected=1,
                                      columns=list(VERSION_COLUMNS)))
        return versions
    for number, values in enumerate(rows, start=2):
        dataset, resource, record_id, version = (tuple(values) + (None,) * 4)[:4]
        if dataset is None and record_id is None:
            continue
        if not isinstance(version, int) or isinstance(version, bool) or not dataset or not record_id:
            problems.append(excel_problem("bad_version_row", sheet=sheet.title, row=number, column="D",
                                          value=version))
            continue
        versions[(str(dataset), str(resource or ""))] = ExportedVersion(str(record_id), version)
    return versions


def _layout_rows(book: Any, layout: SheetLayout, template: ExcelTemplate, expected: list[str],
                 problems: list[Problem], warnings: list[Problem]) -> list[SheetRow]:
    if layout.sheet not in book.sheetnames:
        others = [name for name in book.sheetnames if name not in expected and not name.startswith("Banchi_")]
        close = difflib.get_close_matches(layout.sheet.casefold(), [n.casefold() for n in others], n=1, cutoff=0.8)
        if close:  # a sheet renamed by hand ("Temp2_Meta_Records", "temp2_meta_record")
            found = others[[n.casefold() for n in others].index(close[0])]
            problems.append(excel_problem("misnamed_sheet", sheet=found, value=layout.sheet, found=found))
        else:
            problems.append(excel_problem("missing_sheet", sheet=layout.sheet, value=layout.sheet,
                                          expected=expected))
        return []
    return _rows(book[layout.sheet], _columns_of(layout), template, problems, warnings)


def _columns_of(layout: SheetLayout) -> list[_Column]:
    """A column answers to its key, and to its Thai or English label where no other column shares it."""
    labels: dict[str, int] = {}
    for column in layout.columns:
        for label in {_fold(column.label.th), _fold(column.label.en)}:
            labels[label] = labels.get(label, 0) + 1
    found = []
    for column in layout.columns:
        own = {label for label in (_fold(column.label.th), _fold(column.label.en)) if labels[label] == 1}
        found.append(_Column(column.key, frozenset({_fold(column.key), *own}), column.optional, column.label.th,
                             column.label.en))
    return found


def _rows(sheet: Worksheet, columns: list[_Column], template: ExcelTemplate, problems: list[Problem],
          warnings: list[Problem] | None = None) -> list[SheetRow]:
    positions = _header(sheet, columns, template.header_row, problems, warnings)
    if positions is None:
        return []
    letters = {key: get_column_letter(index) for key, index in positions.items()}
    bad_cells = _merged_cells(sheet, template.header_row, problems)
    rows: list[SheetRow] = []
    width = max(positions.values())
    for cells in sheet.iter_rows(min_row=template.first_data_row, max_col=width):
        values: dict[str, Any] = {}
        for key, index in positions.items():
            cell = cells[index - 1]
            if cell.data_type == "f":
                problems.append(excel_problem("formula_cell", sheet=sheet.title, row=cell.row, column=letters[key],
                                              field=key, value=str(cell.value)))
                bad_cells.add((cell.row, index))
            values[key] = None if (cell.row, index) in bad_cells else cell.value
        if any(_filled(value) for value in values.values()) or any(r == cells[0].row for r, _ in bad_cells):
            rows.append(SheetRow(sheet.title, cells[0].row, values, letters))
    return rows


def _header(sheet: Worksheet, columns: list[_Column], header_row: int, problems: list[Problem],
            warnings: list[Problem] | None = None) -> dict[str, int] | None:
    """Column key → 1-based position, or None (with the problem recorded) when the header is not usable.

    A header as wide as the template's (or its 2.1 version's, without the optional columns) is read by
    position, as thai_gdc's importer reads it (``df.columns = [...]``); a header text that is not the
    column's is a warning naming the sheet, the column and the text. Otherwise columns are found by name.
    """
    cells = _row_texts(sheet, header_row)
    matched = _match(cells, columns)
    required = [c for c in columns if not c.optional]
    width = max(cells, default=0)
    by_position = columns if width == len(columns) else required if width == len(required) else None
    if not matched:
        moved = next((row for row in range(1, header_row + HEADER_SEARCH_ROWS)
                      if row != header_row and len(_match(_row_texts(sheet, row), columns)) * 2 >= len(columns)), None)
        if moved is not None:
            problems.append(excel_problem("header_shifted", sheet=sheet.title, row=moved, value=moved,
                                          expected=header_row))
            return None
        if by_position is None:
            problems.append(excel_problem("header_not_found", sheet=sheet.title, row=header_row,
                                          expected=header_row, columns=[c.key for c in columns]))
            return None
    if by_position is None:
        return _checked(sheet, header_row, cells, matched, columns, problems)
    for index, column in enumerate(by_position, start=1):
        text = cells.get(index, "")
        if _fold(text) not in column.names and warnings is not None:
            letter = get_column_letter(index)
            warnings.append(excel_problem("header_differs", sheet=sheet.title, row=header_row, column=letter,
                                          letter=letter, field=column.key, value=text, expected=column.key,
                                          label=column.label, label_en=column.label_en or column.label))
    return {column.key: index for index, column in enumerate(by_position, start=1)}


def _checked(sheet: Worksheet, header_row: int, cells: dict[int, str], matched: dict[int, _Column],
             columns: list[_Column], problems: list[Problem]) -> dict[str, int] | None:
    before = len(problems)
    positions: dict[str, int] = {}
    for index, text in sorted(cells.items()):
        column = matched.get(index)
        place = {"sheet": sheet.title, "row": header_row, "column": get_column_letter(index)}
        if column is None:
            problems.append(excel_problem("unknown_column", **place, value=text))
        elif column.key in positions:
            problems.append(excel_problem("duplicate_column", **place, field=column.key, value=column.key))
        else:
            positions[column.key] = index
    for column in columns:
        if column.key not in positions and not column.optional:
            problems.append(excel_problem("missing_column", sheet=sheet.title, row=header_row, field=column.key,
                                          value=column.key, label=column.label))
    return positions if len(problems) == before else None


def _match(cells: dict[int, str], columns: Sequence[_Column]) -> dict[int, _Column]:
    found = {}
    for index, text in cells.items():
        folded = _fold(text)
        column = next((c for c in columns if folded in c.names), None)
        if column is not None:
            found[index] = column
    return found


def _row_texts(sheet: Worksheet, row: int) -> dict[int, str]:
    if row > sheet.max_row:
        return {}
    cells = next(sheet.iter_rows(min_row=row, max_row=row))
    return {cell.column: str(cell.value).strip() for cell in cells if _filled(cell.value)}


def _merged_cells(sheet: Worksheet, header_row: int, problems: list[Problem]) -> set[tuple[int, int]]:
    """Merged ranges at or below the header (titles above it may be merged); their cells are refused."""
    bad: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        if merged.max_row < header_row:
            continue
        problems.append(excel_problem("merged_cell", sheet=sheet.title, row=merged.min_row,
                                      column=get_column_letter(merged.min_col), value=merged.coord))
        bad.update(_cells_of(merged.min_row, merged.max_row, merged.min_col, merged.max_col))
    return bad


def _cells_of(min_row: int, max_row: int, min_col: int, max_col: int) -> Iterable[tuple[int, int]]:
    return ((row, col) for row in range(min_row, max_row + 1) for col in range(min_col, max_col + 1))


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
