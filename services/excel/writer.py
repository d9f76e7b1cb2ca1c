"""Write the catalog as the GD Catalog Excel template, or in the GD Catalog export layout.

What people expect of a spreadsheet: the header rows frozen, columns wide enough, drop-down lists on
vocabulary columns (a hidden sheet holds the lists; values outside them are allowed, as the importer
maps them to "อื่นๆ"), a font with Thai glyphs, and dates as date cells (Buddhist Era year). Text that
looks like a formula is kept as text (``schemas.formulas``): an export never carries a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from catalog.actions.catalog_export import CatalogSnapshot
from catalog.actions.organizations import ORG_LABELS
from schemas.buddhist_era import iso_be, local_day
from schemas.excel_messages import excel_problem
from schemas.excel_template import (
    NOTE_COLUMNS,
    NOTES_SHEET,
    ORGANIZATION_COLUMNS,
    ORGANIZATIONS_SHEET,
    VERSION_COLUMNS,
    VERSIONS_SHEET,
    ColumnKind,
    ExcelTemplate,
    ExportNote,
    SheetLayout,
    TemplateColumn,
    load_template,
)
from schemas.formulas import keep_as_text
from schemas.profile import InputKind
from schemas.template_values import CellWriter, importer_cell

FONT_NAME = "Tahoma"  # ships with Windows, macOS and LibreOffice and has Thai glyphs (Calibri has none)
FONT = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE = Font(name=FONT_NAME, size=12, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE_FILL = PatternFill("solid", fgColor="FFF2CC")
DATE_FORMAT = "dd/mm/yyyy"
LISTS_SHEET = "Banchi_Lists"
SPARE_ROWS = 1000  # drop-downs reach this far below the last row, for rows people add
WIDTHS = {ColumnKind.name: 30, ColumnKind.organization: 36, ColumnKind.date: 13, ColumnKind.boolean: 12,
          ColumnKind.number: 12, ColumnKind.choices: 34, ColumnKind.choice: 28, ColumnKind.tags: 30,
          ColumnKind.data_type: 26, ColumnKind.dataset_ref: 30}
WIDE_INPUTS = {InputKind.markdown: 50, InputKind.email: 30, InputKind.url: 36, InputKind.url_or_upload: 36}


def write_template(path: Path, snapshot: CatalogSnapshot, template: ExcelTemplate | None = None,
                   today: dt.date | None = None) -> list[ExportNote]:
    """The template NSO publishes, filled with the catalog: import it back and nothing changes.

    Each cell is written so ckanext-thai_gdc's importer reads the value Banchi holds; what it cannot hold is
    returned and listed in the notes sheet, which Banchi's own import reads back."""
    template = template or load_template()
    book, writer, by_type = _prepare(template, snapshot)
    today = today or local_day(dt.datetime.now(dt.UTC))  # the day in Bangkok, whatever the server's zone
    notes = [ExportNote(excel_problem("gdc_owner", field=template.organization_field))]
    for layout in template.dataset_layouts:
        book.template_sheet(layout, _importer_rows(writer, layout, by_type(layout), notes), today)
    for layout in template.resource_layouts:
        records = [{**resource, template.resource_dataset_column: r["name"]}
                   for r in by_type(layout) for resource in r["resources"]]
        book.template_sheet(layout, _importer_rows(writer, layout, records, notes), today)
    book.organizations_sheet(snapshot)
    book.notes_sheet(notes)
    book.versions_sheet(snapshot)
    book.save(path)
    return notes


def _importer_rows(writer: CellWriter, layout: SheetLayout, records: list[dict[str, Any]],
                   notes: list[ExportNote]) -> list[list[Any]]:
    """The sheet's rows as thai_gdc's importer must find them; what it cannot hold goes to ``notes``."""
    template, profile = writer.template, writer.profile
    rows = []
    resource_level = layout.level == "resource"
    for offset, record in enumerate(records):
        row = template.first_data_row + offset
        names = {"dataset": record[template.resource_dataset_column] if resource_level else record["name"],
                 "resource": record.get("name") if resource_level else None}
        cells = []
        for index, column in enumerate(layout.columns, start=1):
            cell = importer_cell(writer, layout, column, record)
            cells.append(cell.value)
            if cell.note is not None:
                place = {"sheet": layout.sheet, "row": row, "column": get_column_letter(index), "field": column.key}
                notes.append(ExportNote(cell.note.model_copy(update=place), **names, cell=cell.value,
                                        banchi_value=cell.banchi_cell, thai_gdc_reads=cell.reads))
        specs = (profile.resource_fields_for_type(layout.type_code) if resource_level
                 else profile.fields_for_type(layout.type_code))
        for spec in specs:  # fields the template has no column for
            value = record.get(spec.key)
            if spec.key in layout.by_field or spec.key == template.type_field or value in (None, "", []):
                continue
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            sets = template.gdc_importer.sets.get(spec.key)
            if value == sets or (sets is None and spec.vocabulary and value == "False"):
                continue  # what thai_gdc sets, or a "False" select, which is what it holds when given nothing
            note = (excel_problem("gdc_sets_field", reads=sets, value=shown, label=spec.label.th,
                                  label_en=spec.label.en) if sets is not None else
                    excel_problem("gdc_no_column", value=shown, label=spec.label.th, label_en=spec.label.en))
            notes.append(ExportNote(note.model_copy(update={"sheet": layout.sheet, "row": row, "field": spec.key}),
                                    **names, banchi_value=shown, thai_gdc_reads=sets))
        rows.append(cells)
    return rows


def write_gdc_export(path: Path, snapshot: CatalogSnapshot, template: ExcelTemplate | None = None) -> None:
    """The GD Catalog's own export: one sheet per type, named with the Thai type; no resources."""
    template = template or load_template()
    book, writer, by_type = _prepare(template, snapshot)
    for layout in template.export_layouts:
        book.export_sheet(layout, [writer.cells(layout, r) for r in by_type(layout)])
    book.save(path)


def _prepare(template: ExcelTemplate, snapshot: CatalogSnapshot
             ) -> tuple[_Book, CellWriter, Callable[[SheetLayout], list[dict[str, Any]]]]:
    """A new workbook, the cell writer, and the dataset records of a sheet's type."""
    records = [snapshot.spreadsheet_record(d) for d in snapshot.datasets]

    def by_type(layout: SheetLayout) -> list[dict[str, Any]]:
        type_value = template.metadata_profile.type_value(layout.type_code)
        return [r for r in records if r[template.type_field] == type_value]

    return _Book(template), CellWriter(template), by_type


class _Book:
    def __init__(self, template: ExcelTemplate):
        self.template = template
        self.profile = template.metadata_profile
        self.book = Workbook()
        self.book.remove(self.book.active)
        self._lists: Worksheet | None = None
        self._list_ranges: dict[str, str] = {}

    def template_sheet(self, layout: SheetLayout, rows: list[list[Any]], today: dt.date) -> None:
        template = self.template
        sheet = self.book.create_sheet(layout.sheet)
        type_term = self.profile.type_value(layout.type_code)
        kind_th, kind_en = ("ชุดข้อมูล", "datasets") if layout.level == "dataset" else ("ทรัพยากร", "resources")
        _note(sheet, 1, f"{template.title.th} / {template.title.en}", TITLE)
        _note(sheet, 2, f"{kind_th}: {type_term} ({layout.sheet}) — ส่งออกจาก Banchi {iso_be(today)} / "
                        f"{kind_en} exported from Banchi {today.isoformat()}", BOLD)
        _note(sheet, 3, f"แถว {template.header_row}: ชื่อฟิลด์ (อย่าแก้ไข) · แถว {template.instruction_row}: คำอธิบาย · "
                        f"กรอกตั้งแต่แถว {template.first_data_row} · วันที่เป็นปีพุทธศักราช · หลายค่าคั่นด้วย "
                        f"“{template.list_separator}” / Row {template.header_row}: field names (do not edit) · "
                        f"row {template.instruction_row}: help · data from row {template.first_data_row}", FONT)
        self._header(sheet, template.header_row, layout.columns, [_help(c, template) for c in layout.columns])
        self._data(sheet, layout, rows, template.first_data_row)

    def export_sheet(self, layout: SheetLayout, rows: list[list[Any]]) -> None:
        sheet = self.book.create_sheet(layout.sheet)
        header_row = self.template.gdc_export.header_row
        self._header(sheet, header_row, layout.columns, [c.label.th for c in layout.columns])
        self._data(sheet, layout, rows, header_row + 2)

    def organizations_sheet(self, snapshot: CatalogSnapshot) -> None:
        template = self.template
        sheet = self.book.create_sheet(ORGANIZATIONS_SHEET)
        _note(sheet, 1, "หน่วยงานในบัญชีข้อมูลนี้ (Banchi) / Organizations of this catalog (Banchi)", TITLE)
        _note(sheet, 2, "ใช้เมื่อนำเข้าด้วย --create-organizations / used by import --create-organizations", FONT)
        row = template.header_row
        for index, key in enumerate(ORGANIZATION_COLUMNS, start=1):
            _styled(sheet.cell(row, index, key), BOLD, HEADER_FILL)
            th, en = ORG_LABELS.get(key, (key, key))
            _styled(sheet.cell(row + 1, index, f"{th} / {en}"), FONT, NOTE_FILL, wrap=True)
            sheet.column_dimensions[get_column_letter(index)].width = 40 if key.startswith("title") else 20
        for offset, org in enumerate(snapshot.organizations):
            values = org.model_dump(mode="json")
            for index, key in enumerate(ORGANIZATION_COLUMNS, start=1):
                _styled(keep_as_text(sheet.cell(template.first_data_row + offset, index, values.get(key))), FONT)
        sheet.freeze_panes = f"A{template.first_data_row}"

    def notes_sheet(self, notes: list[ExportNote]) -> None:
        """What thai_gdc's importer cannot hold as Banchi holds it, cell by cell; Banchi's import reads it."""
        sheet = self.book.create_sheet(NOTES_SHEET)
        sheet.append(list(NOTE_COLUMNS))
        for cell in sheet[1]:
            _styled(cell, BOLD, HEADER_FILL)
        for item in notes:
            note = item.note
            values = [note.sheet, note.row, note.column, item.dataset, item.resource, note.field,
                      _note_text(item.cell), _note_text(item.banchi_value), _note_text(item.thai_gdc_reads),
                      note.th, note.en]
            sheet.append(values)
            for cell in sheet[sheet.max_row]:
                _styled(keep_as_text(cell), FONT)
        for letter, width in zip("ABCDEFGHIJK", (20, 6, 7, 28, 24, 24, 30, 30, 30, 60, 60), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"

    def versions_sheet(self, snapshot: CatalogSnapshot) -> None:
        """Hidden: each dataset's and resource's id and version, so an import can tell what changed since."""
        sheet = self.book.create_sheet(VERSIONS_SHEET)
        sheet.sheet_state = "hidden"
        sheet.append(list(VERSION_COLUMNS))
        for dataset in snapshot.datasets:
            sheet.append([dataset["name"], None, dataset["id"], dataset["version"]])
            for resource in dataset["resources"]:
                sheet.append([dataset["name"], resource["name"], resource["id"], resource["version"]])

    def save(self, path: Path) -> None:
        if self._lists is not None:  # created on first use; kept last, behind the sheets people fill
            self.book.move_sheet(self._lists, offset=len(self.book.worksheets) - 1 - self.book.index(self._lists))
        self.book.save(path)

    # -- parts --------------------------------------------------------------------------------------------

    def _header(self, sheet: Worksheet, row: int, columns: Sequence[TemplateColumn], notes: list[str]) -> None:
        for index, (column, note) in enumerate(zip(columns, notes, strict=True), start=1):
            _styled(sheet.cell(row, index, column.key), BOLD, HEADER_FILL)
            _styled(sheet.cell(row + 1, index, note), FONT, NOTE_FILL, wrap=True)
            sheet.column_dimensions[get_column_letter(index)].width = _width(column)
        sheet.row_dimensions[row + 1].height = 48
        sheet.freeze_panes = f"A{row + 2}"

    def _data(self, sheet: Worksheet, layout: SheetLayout, rows: list[list[Any]], first_row: int) -> None:
        dates = {index for index, c in enumerate(layout.columns, start=1) if c.kind is ColumnKind.date}
        for offset, values in enumerate(rows):
            for index, value in enumerate(values, start=1):
                if value is None:
                    continue
                cell = keep_as_text(sheet.cell(first_row + offset, index, value))
                cell.font = FONT
                if index in dates and isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
        last_row = first_row + len(rows) + SPARE_ROWS
        for index, column in enumerate(layout.columns, start=1):
            source = self._list_range(column)
            if source is None:
                continue
            validation = DataValidation(
                type="list", formula1=source, allow_blank=True, showErrorMessage=True, errorStyle="information",
                errorTitle="ค่านอกรายการ / Not in the list",
                error=f"ค่านอกรายการจะนำเข้าเป็น “{self.profile.other_value}” พร้อมข้อความที่กรอก / "
                      f"Values outside the list are imported as “{self.profile.other_value}” with the text kept",
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}{first_row}:{letter}{last_row}")
            sheet.add_data_validation(validation)

    def _list_range(self, column: TemplateColumn) -> str | None:
        """The hidden sheet's range holding the column's choices (its labels for yes/no columns)."""
        if column.kind not in (ColumnKind.choice, ColumnKind.choices, ColumnKind.boolean):
            return None
        terms = self.profile.terms(column.spec)
        values = [t.th if column.kind is ColumnKind.boolean else t.value for t in terms]
        key = f"{column.spec.vocabulary}:{column.kind}"
        if key not in self._list_ranges:
            if self._lists is None:
                self._lists = self.book.create_sheet(LISTS_SHEET)
                self._lists.sheet_state = "hidden"
            index = len(self._list_ranges) + 1
            letter = get_column_letter(index)
            self._lists.cell(1, index, column.spec.vocabulary)
            for offset, value in enumerate(values, start=2):
                self._lists.cell(offset, index, value)
            self._list_ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        return self._list_ranges[key]


def _note_text(value: Any) -> Any:
    """A notes-sheet cell: a date cell's date (its year is already the Buddhist Era year) as year-first text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _help(column: TemplateColumn, template: ExcelTemplate) -> str:
    """The instruction row: the profile's Thai label and how to fill the cell."""
    hints = []
    if column.spec.required:
        hints.append("จำเป็น")
    if column.kind is ColumnKind.date:
        hints.append("วว/ดด/ปปปป พ.ศ.")
    elif column.kind in (ColumnKind.choices, ColumnKind.tags):
        hints.append(f"หลายค่าคั่นด้วย {template.list_separator}")
    elif column.kind is ColumnKind.boolean:
        hints.append("ใช่ / ไม่ใช่")
    return f"{column.label.th} ({'; '.join(hints)})" if hints else column.label.th


def _width(column: TemplateColumn) -> float:
    return WIDE_INPUTS.get(column.spec.input) or WIDTHS.get(column.kind) or max(20, min(40, len(column.key) + 6))


def _note(sheet: Worksheet, row: int, text: str, font: Font) -> None:
    sheet.cell(row, 1, text).font = font


def _styled(cell: Any, font: Font, fill: PatternFill | None = None, *, wrap: bool = False) -> Any:
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell
