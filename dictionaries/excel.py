"""Excel round-trip: a dictionary as an XLSX template people fill in, and back, with row-level errors.

One row per field. Types, formats, yes/no flags and classification are drop-down lists (data
validation), the header row is frozen and bilingual, text is in a Thai font. Importing checks every
row and reports each problem with its sheet, row and column; nothing is returned half-read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dictionaries.messages import problem
from dictionaries.model import (
    CLASSIFICATIONS,
    FIELD_TYPES,
    STRING_FORMATS,
    CodeItem,
    Constraints,
    DictField,
    Dictionary,
    check_schema,
)
from dictionaries.names import IDENTIFIER_RULE
from schemas.formulas import keep_as_text
from schemas.messages import Problem, ProblemsError

SHEET = "พจนานุกรมข้อมูล"
SETTINGS = "ตั้งค่า"
FONT = "TH Sarabun New"
YES, NO = "ใช่", "ไม่ใช่"
FORMATS = (*STRING_FORMATS, "any", "%d/%m/%Y")


@dataclass(frozen=True)
class Column:
    key: str
    th: str
    en: str
    kind: str = "text"  # text | flag | int | value | list | choice
    choices: tuple[str, ...] = ()
    width: int = 18


COLUMNS: tuple[Column, ...] = (
    Column("name", "ชื่อฟิลด์ (ตามหัวตาราง)", "Field name", width=22),
    Column("identifier", "ชื่อระบบ (อังกฤษ)", "Identifier (ASCII)", width=20),
    Column("title", "ชื่อภาษาไทย", "Thai title", width=26),
    Column("titleEn", "ชื่อภาษาอังกฤษ", "English title", width=24),
    Column("type", "ชนิดข้อมูล", "Type", "choice", FIELD_TYPES, 14),
    Column("format", "รูปแบบ", "Format", "choice", FORMATS, 14),
    Column("required", "ต้องมีค่า", "Required", "flag", width=11),
    Column("unique", "ห้ามซ้ำ", "Unique", "flag", width=11),
    Column("primaryKey", "คีย์หลัก", "Primary key", "flag", width=11),
    Column("minLength", "ความยาวต่ำสุด", "Min length", "int", width=12),
    Column("maxLength", "ความยาวสูงสุด", "Max length", "int", width=12),
    Column("minimum", "ค่าต่ำสุด", "Minimum", "value", width=12),
    Column("maximum", "ค่าสูงสุด", "Maximum", "value", width=12),
    Column("pattern", "รูปแบบ (regex)", "Pattern", width=16),
    Column("enum", "ค่าที่อนุญาต (คั่นด้วย |)", "Allowed values (| separated)", "list", width=28),
    Column("description", "คำอธิบาย", "Description (Thai)", width=36),
    Column("descriptionEn", "คำอธิบายภาษาอังกฤษ", "Description (English)", width=36),
    Column("unit", "หน่วยนับ", "Unit", width=12),
    Column("example", "ตัวอย่างค่า", "Example value", width=16),
    Column("personalData", "ข้อมูลส่วนบุคคล (PDPA)", "Personal data (PDPA)", "flag", width=14),
    Column("classification", "ชั้นความลับ", "Classification", "choice", CLASSIFICATIONS, 18),
    Column("codeList", "รายการรหัส (รหัส=ความหมาย=English; …)", "Code list (code=label=English; …)", width=32),
)
HEADER = [f"{c.th} / {c.en}" for c in COLUMNS]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def _cell_value(field: DictField, column: Column, dictionary: Dictionary) -> Any:
    constraints = field.constraints.defined()
    key = column.key
    if key in ("required", "unique"):
        return YES if constraints.get(key) else NO
    if key == "primaryKey":
        return YES if field.name in dictionary.primary_key else NO
    if key == "personalData":
        return YES if field.personal_data else NO
    if key == "codeList":
        items = [f"{i.code}={i.label}" + (f"={i.label_en}" if i.label_en else "") for i in field.code_list or []]
        return "; ".join(items) or None
    if key == "enum":
        return " | ".join(str(v) for v in constraints["enum"]) if "enum" in constraints else None
    if key in constraints:
        return constraints[key]
    data = field.model_dump(by_alias=True)
    return data.get(key)


def export_xlsx(dictionary: Dictionary, path: str | Path) -> Path:
    """Write the template (one row per field) and return its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for field in dictionary.fields:
        sheet.append([_cell_value(field, column, dictionary) for column in COLUMNS])
    body, bold = Font(name=FONT, size=14), Font(name=FONT, size=14, bold=True)
    for row in sheet.iter_rows():
        for cell in row:
            keep_as_text(cell).font = bold if cell.row == 1 else body
    for number, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = column.width
        header = sheet.cell(row=1, column=number)
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        header.alignment = Alignment(wrap_text=True, vertical="top")
        choices = (YES, NO) if column.kind == "flag" else column.choices
        if choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            rule.error = f"เลือกจากรายการ / choose from the list: {', '.join(choices)}"
            rule.showErrorMessage = True
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}1000")
    sheet.freeze_panes = "B2"
    settings = book.create_sheet(SETTINGS)
    settings.append(["ค่าที่ถือว่าว่าง (คั่นด้วย |) / Missing values (| separated)", " | ".join(dictionary.missing_values)])
    settings.append(["ชื่อพจนานุกรม / Title", dictionary.title])
    for row in settings.iter_rows():
        for cell in row:
            keep_as_text(cell).font = body
    settings.column_dimensions["A"].width = 50
    target = Path(path)
    book.save(target)
    return target


# -- import ------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _read_cell(column: Column, value: Any, where: dict[str, Any]) -> tuple[Any, Problem | None]:
    text = _text(value)
    label = f"{column.th} / {column.en}"
    if text is None:
        return None, None
    if column.kind == "flag":
        if text in (YES, "yes", "Yes", "TRUE", "True", "true", "1"):
            return True, None
        if text in (NO, "no", "No", "FALSE", "False", "false", "0"):
            return False, None
        return None, problem("xlsx_bad_choice", label=label, value=text, allowed=f"{YES}, {NO}", **where)
    if column.kind == "choice" and text not in column.choices:
        return None, problem("xlsx_bad_choice", label=label, value=text, allowed=", ".join(column.choices), **where)
    if column.kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value), None
        if not re.fullmatch(r"\d+", text):
            return None, problem("xlsx_bad_number", label=label, value=text, **where)
        return int(text), None
    if column.kind == "value":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value, None
        return _number_or_text(text), None
    if column.kind == "list":
        return [part.strip() for part in text.split("|") if part.strip()], None
    return text, None


def _number_or_text(text: str) -> Any:
    """A bound typed as text (a text cell, a web form) is a number when it reads as one; a date stays text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _code_list(text: str, where: dict[str, Any]) -> tuple[list[CodeItem] | None, Problem | None]:
    items = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        code, *labels = (piece.strip() for piece in part.split("="))
        if not labels or not code or len(labels) > 2:
            detail = "ใช้รูปแบบ รหัส=ความหมาย / use code=label"
            return None, problem("xlsx_bad_value", label="รายการรหัส / Code list", value=part, detail=detail, **where)
        items.append(CodeItem(code=code, label=labels[0], labelEn=labels[1] if len(labels) > 1 else None))
    return items, None


def _field_from_row(values: dict[str, Any], where: dict[str, Any]) -> tuple[DictField | None, list[Problem]]:
    problems: list[Problem] = []
    name = values.get("name")
    if not name:
        problems.append(problem("xlsx_required", label="ชื่อฟิลด์ / Field name", **where, column=COLUMNS[0].en))
    identifier = values.get("identifier")
    if identifier and not IDENTIFIER_RULE.match(identifier):
        problems.append(problem("bad_identifier", field=name, value=identifier, **where, column=COLUMNS[1].en))
    codes = None
    if values.get("codeList"):
        codes, issue = _code_list(values["codeList"], {**where, "column": COLUMN_BY_KEY["codeList"].en})
        problems += [issue] if issue else []
    if problems:
        return None, problems
    constraint_keys = ("required", "unique", "minLength", "maxLength", "minimum", "maximum", "pattern", "enum")
    constraints = {k: values[k] for k in constraint_keys if values.get(k) is not None and values[k] is not False}
    try:
        field = DictField(
            name=name, identifier=values.get("identifier"), type=values.get("type") or "string",
            format=values.get("format") or "default",
            title=values.get("title"), titleEn=values.get("titleEn"), description=values.get("description"),
            descriptionEn=values.get("descriptionEn"), unit=values.get("unit"), example=values.get("example"),
            personalData=bool(values.get("personalData")), classification=values.get("classification"),
            codeList=codes, constraints=Constraints(**constraints),
        )
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return None, [problem("xlsx_bad_value", label=name, value=name, detail=detail, **where)]
    return field, []


def import_xlsx(path: str | Path) -> Dictionary:
    """Read a filled-in template; raise :class:`ProblemsError` listing every bad row and cell."""
    from dictionaries.validate.xlsxsource import open_sheet, sheet_rows

    book, sheet = open_sheet(Path(path))
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else sheet
        rows = list(sheet_rows(sheet))
        settings = list(sheet_rows(book[SETTINGS])) if SETTINGS in book.sheetnames else []
    finally:
        book.close()
    if not rows:
        raise ProblemsError([problem("xlsx_missing_sheet", value=SHEET)])
    header = [_text(c) or "" for c in rows[0]]
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for column in COLUMNS:
        names = (f"{column.th} / {column.en}", column.th, column.en)
        index = next((i for i, h in enumerate(header) if h in names or h.rpartition(" / ")[2] == column.en), None)
        if index is None and column.key in ("name", "type"):
            problems.append(problem("xlsx_missing_column", sheet=sheet.title, value=f"{column.th} / {column.en}"))
        elif index is not None:
            positions[column.key] = index
    if problems:
        raise ProblemsError(problems)
    numbered = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: row[index] if index < len(row) else None for key, index in positions.items()}
        numbered.append((number, cells))
    return dictionary_from_rows(numbered, sheet.title, **_settings(settings))


def dictionary_from_rows(rows: list[tuple[int, dict[str, Any]]], sheet: str | None = None,
                         **settings: Any) -> Dictionary:
    """A dictionary from rows of cells keyed by :data:`COLUMNS` keys, as the sheet (or the web editor's grid)
    has them, each with the row number people see; raise :class:`ProblemsError` naming each bad row and
    column. Blank rows are skipped; ``settings`` are the dictionary's own properties (title, missingValues)."""
    problems: list[Problem] = []
    fields, primary_key, rows_of = [], [], {}
    for number, cells in rows:
        if all(_text(c) is None for c in cells.values()):
            continue
        values: dict[str, Any] = {}
        for column in COLUMNS:
            if column.key not in cells:
                continue
            where = {"sheet": sheet, "row": number, "column": column.en}
            values[column.key], issue = _read_cell(column, cells[column.key], where)
            problems += [issue] if issue else []
        field, issues = _field_from_row(values, {"sheet": sheet, "row": number})
        problems += issues
        if field is not None:
            fields.append(field)
            rows_of[field.name] = number
            if values.get("primaryKey"):
                primary_key.append(field.name)
    if not fields and not problems:
        problems.append(problem("schema_no_fields"))
    if problems:
        raise ProblemsError(problems)
    dictionary = Dictionary(fields=fields, primaryKey=primary_key, **settings)
    issues = check_schema(dictionary)
    for issue in issues:  # place schema-level problems on the row of their field
        if issue.field in rows_of:
            issue.sheet, issue.row = sheet, rows_of[issue.field]
    if issues:
        raise ProblemsError(issues)
    return dictionary


def field_cells(dictionary: Dictionary) -> list[dict[str, str]]:
    """Each field as the text of its row in the template (or the web editor's grid), by column key."""
    rows = []
    for field in dictionary.fields:
        cells = {}
        for column in COLUMNS:
            value = _cell_value(field, column, dictionary)
            cells[column.key] = "" if value is None else str(value)
        rows.append(cells)
    return rows


def _settings(rows: list[list[Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for row in rows:
        if len(row) < 2:
            continue
        label, value = _text(row[0]) or "", row[1]
        if label.startswith("ค่าที่ถือว่าว่าง") and value is not None:
            result["missingValues"] = [part.strip() for part in str(value).split("|")]
        elif label.startswith("ชื่อพจนานุกรม") and _text(value):
            result["title"] = _text(value)
    return result
