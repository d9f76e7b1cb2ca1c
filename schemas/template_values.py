"""Cells of the catalog template ↔ registry values, by the GD Catalog importer's rules.

Reading follows ckanext-thai_gdc's importer: the ``name`` is lower-cased with whitespace turned into
"-"; comma lists are split; a value outside a vocabulary becomes the "other" choice ("อื่นๆ") with the
text kept in the field's ``*_other`` companion; a yes/no cell containing "ไม่" is "False", any other
text "True"; Buddhist Era dates become ISO. Writing is the inverse, so import → export → import is
the identity. Everything is driven by the column's profile field; no GD Catalog field is named here.

Dates are written as date cells whose year is the Buddhist Era year (31/03/2567), which is what the
template carries and what the GD Catalog importer reads back (it subtracts 543 from the first four
characters of the cell as text, "2567-03-31 00:00:00"). 29 February of a leap year has no date cell with
its Buddhist Era year (CE + 543 is never leap), so it is written as year-first text, "2563-02-29", which
that importer reads the same way. Date cells with a Christian Era year (typed in an Excel with the Thai
calendar) are read as they are.

``importer_cell`` is the cell as thai_gdc's importer must find it (one choice per cell, a choice
its list has) and, where that is not what Banchi holds, the note saying so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from schemas.buddhist_era import BE_OFFSET, EnteredDateError, read_entered_date
from schemas.excel_messages import excel_problem
from schemas.excel_template import ColumnKind, ExcelTemplate, SheetLayout, SheetRow, TemplateColumn
from schemas.messages import Problem
from schemas.profile import FieldSpec, Profile

_WHITESPACE = re.compile(r"\s")  # each character, as thai_gdc's `df["name"].replace('\s', '-', regex=True)`
BE_YEAR_FLOOR = 2400  # a year this large in a date cell is a Buddhist Era year
_DAY = re.compile(r"^\s*(\d{4})-\d{1,2}-\d{1,2}\s*$|^\s*\d{1,2}/\d{1,2}/(\d{4})\s*$")  # a date's shape


def normalize_name(text: str) -> str:
    return _WHITESPACE.sub("-", text.strip().lower())


def plain(value: Any) -> Any:
    """A cell value without spreadsheet accidents: trimmed text, whole floats as ints, blanks as None."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_date(value: Any) -> str:
    """A template date (BE year-first text or a date cell, as thai_gdc writes them) → ISO, by the one reader
    of entered dates: a Buddhist Era year loses 543 years, a Christian Era one is kept, others are refused."""
    return read_entered_date(value).isoformat()


def date_cell(iso: str) -> dt.date | str:
    """ISO → the template's date cell (Buddhist Era year); anything unparsable is written as it is."""
    try:
        day = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    try:
        return day.replace(year=day.year + BE_OFFSET)
    except ValueError:  # 29 February: a leap year's BE year (CE + 543) is never leap, so write it as text,
        return f"{day.year + BE_OFFSET}-{day.month:02d}-{day.day:02d}"  # year first, as thai_gdc slices it


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return str(value)


def _split(value: Any, separator: str) -> list[str]:
    return [part.strip() for part in _text(value).split(separator) if part.strip()]


class CellReader:
    """Reads the cells of one template's rows into registry values (GD Catalog keys)."""

    def __init__(self, template: ExcelTemplate):
        self.template = template
        self.profile: Profile = template.metadata_profile
        self._readers: dict[ColumnKind, Callable[[TemplateColumn, Any], dict[str, Any]]] = {
            ColumnKind.name: lambda column, value: {column.field: normalize_name(_text(value))},
            ColumnKind.date: lambda column, value: {column.field: read_date(value)},
            ColumnKind.boolean: self._boolean,
            ColumnKind.choices: self._choices,
            ColumnKind.choice: self._choice,
            ColumnKind.tags: lambda column, value: {column.field: _split(value, template.list_separator)},
        }

    def dataset_values(self, layout: SheetLayout, row: SheetRow) -> tuple[dict[str, Any], list[Problem]]:
        """The row as dataset metadata; an empty cell gives ``None`` (clears the field on update)."""
        values, problems = self._values(layout, row)
        values[self.template.type_field] = self.profile.type_value(layout.type_code)
        return values, problems

    def resource_values(self, layout: SheetLayout, row: SheetRow) -> tuple[dict[str, Any], list[Problem]]:
        return self._values(layout, row)

    def dataset_ref(self, layout: SheetLayout, row: SheetRow) -> str | None:
        """The dataset a resource row names, normalized as the dataset sheets' names are."""
        column = next(c for c in layout.columns if c.kind is ColumnKind.dataset_ref)
        value = plain(row.cells.get(column.key))
        return None if value is None else normalize_name(_text(value))

    def _values(self, layout: SheetLayout, row: SheetRow) -> tuple[dict[str, Any], list[Problem]]:
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for column in layout.columns:
            if column.kind in (ColumnKind.data_type, ColumnKind.dataset_ref) or column.key not in row.letters:
                continue
            if column.spec.other_field:
                values[column.spec.other_field] = None
            value = plain(row.cells.get(column.key))
            if value is None:
                values[column.field] = None
                continue
            try:
                values.update(self._readers.get(column.kind, self._as_text)(column, value))
            except ValueError as exc:
                day = _DAY.match(_text(value))
                year = int(day.group(1) or day.group(2)) if day else 0
                code = "no_such_day" if year >= BE_YEAR_FLOOR else "not_a_date"  # 2564-02-29, 31/04/2564
                if isinstance(exc, EnteredDateError) and exc.code == "invalid_date_year":
                    code = "date_year_of_no_era"  # 0564-03-31: never read centuries off
                problems.append(excel_problem(
                    code, sheet=row.sheet, row=row.row, column=row.letters[column.key], field=column.key,
                    value=_text(value), label=column.label.th, label_en=column.label.en, year=year,
                    ce=year - BE_OFFSET))
        return values, problems

    @staticmethod
    def _as_text(column: TemplateColumn, value: Any) -> dict[str, Any]:
        return {column.field: _text(value)}

    def _boolean(self, column: TemplateColumn, value: Any) -> dict[str, Any]:
        text = _text(value)
        known = self._term_value(column.spec, text)
        if known is None:
            values = self.profile.term_values(column.spec)  # the importer's rule: "ไม่" means no
            known = values[0] if self.template.negative_marker in text else values[-1]
        return {column.field: known}

    def _choice(self, column: TemplateColumn, value: Any) -> dict[str, Any]:
        text = _text(value)
        known = self._term_value(column.spec, text)
        if known is not None or not column.spec.other_field:
            return {column.field: known or text}  # no companion: the profile names what is wrong
        return {column.field: self.profile.other_value_of(column.spec), column.spec.other_field: text}

    def _choices(self, column: TemplateColumn, value: Any) -> dict[str, Any]:
        chosen: list[str] = []
        unknown: list[str] = []
        for item in _split(value, self.template.list_separator):
            known = self._term_value(column.spec, item)
            if known is not None:
                chosen.append(known)
            else:
                unknown.append(item)
        if unknown and column.spec.other_field:
            chosen.append(self.profile.other_value_of(column.spec))
            return {column.field: chosen, column.spec.other_field: f"{self.template.list_separator} ".join(unknown)}
        return {column.field: chosen + unknown}

    def _term_value(self, spec: FieldSpec, text: str) -> str | None:
        """A vocabulary value named by its stored value or by its Thai or English label."""
        folded = text.casefold()
        for term in self.profile.terms(spec):
            if text == term.value or folded in (term.th.casefold(), term.en.casefold(), term.value.casefold()):
                return term.value
        return None


class CellWriter:
    """Writes registry values (a flat dataset or resource record) as the template's cells."""

    def __init__(self, template: ExcelTemplate):
        self.template = template
        self.profile: Profile = template.metadata_profile

    def cells(self, layout: SheetLayout, record: Mapping[str, Any]) -> list[Any]:
        return [self.cell(layout, column, record) for column in layout.columns]

    def cell(self, layout: SheetLayout, column: TemplateColumn, record: Mapping[str, Any]) -> Any:
        if column.kind is ColumnKind.data_type:
            return self.profile.type_value(layout.type_code)
        value = record.get(column.key if column.kind is ColumnKind.dataset_ref else column.field)
        if value in (None, "", []):
            return None
        kind = column.kind
        if kind is ColumnKind.date:
            return date_cell(value)
        if kind is ColumnKind.boolean:
            term = next((t for t in self.profile.terms(column.spec) if t.value == value), None)
            return term.th if term else value
        if kind in (ColumnKind.choice, ColumnKind.choices):
            return self._with_other_text(column, value, record.get(column.spec.other_field or ""))
        if kind is ColumnKind.tags:
            return f"{self.template.list_separator} ".join(value) if isinstance(value, list) else value
        if kind is ColumnKind.number and isinstance(value, str) and value.isdigit():
            return int(value)
        return value

    def _with_other_text(self, column: TemplateColumn, value: Any, other_text: Any) -> str:
        other = self.profile.other_value_of(column.spec)
        items = value if isinstance(value, list) else [value]
        shown = [other_text if item == other and other_text else item for item in items]
        return f"{self.template.list_separator} ".join(str(item) for item in shown)


@dataclass(frozen=True)
class ImporterCell:
    """A cell as thai_gdc's importer must find it, and the note when it is not what Banchi holds."""

    value: Any  # what the cell holds
    banchi_cell: Any = None  # the cell as Banchi writes what it holds, when different (Banchi's import reads it)
    note: Problem | None = None  # what thai_gdc reads instead (code, th, en)
    reads: Any = None


def importer_cell(writer: CellWriter, layout: SheetLayout, column: TemplateColumn,
                  record: Mapping[str, Any]) -> ImporterCell:
    """The cell written so ckanext-thai_gdc's importer reads the value Banchi holds, where it can hold it.

    Its importer compares a whole cell with its list (``isin``), so a list column holds one choice; a
    yes/no cell without "ไม่" is yes, an empty one too; columns it does not map go to CKAN as they are,
    so such a cell must be a choice of the list itself, not the "other" text.
    """
    template, profile = writer.template, writer.profile
    full = writer.cell(layout, column, record)
    marker = template.negative_marker
    rules = template.gdc_importer
    if column.kind is ColumnKind.boolean and column.key not in rules.yes_no_columns:
        stored = record.get(column.field)  # passed to CKAN as it is: the stored "True" / "False"
        return ImporterCell(stored or None)
    if column.kind is ColumnKind.boolean:
        if full is not None:
            return ImporterCell(full)
        yes = profile.terms(column.spec)[-1]
        return ImporterCell(None, note=excel_problem("gdc_empty_yes_no", reads=yes.th, marker=marker), reads=yes.value)
    if column.kind not in (ColumnKind.choice, ColumnKind.choices):
        return ImporterCell(full)
    value = record.get(column.field)
    if value in (None, "", []):
        return ImporterCell(full)
    other = profile.other_value_of(column.spec)
    other_text = record.get(column.spec.other_field or "")
    first = (value if isinstance(value, list) else [value])[0]
    if column.key in rules.mapped_columns:
        cell = other_text if first == other and other_text else first
        choices = rules.choice_lists.get(column.key) or [v for v in profile.term_values(column.spec) if v != other]
        held = cell in choices if first != other else cell not in choices  # "other" text: "อื่นๆ" + the text
        reads = cell if cell in choices else f"{other} ({cell})"
        if cell != full:
            note = excel_problem("gdc_one_choice", cell=cell, value=full)
        elif not held:
            note = excel_problem("gdc_not_in_importer_list", cell=cell, other=other)
        else:
            return ImporterCell(full)
        return ImporterCell(cell, banchi_cell=full if cell != full else None, note=note, reads=reads)
    cell = first
    if cell == full:
        return ImporterCell(full)
    code = "gdc_other_text_dropped" if not isinstance(value, list) or len(value) == 1 else "gdc_one_choice"
    return ImporterCell(cell, banchi_cell=full, note=excel_problem(code, cell=cell, value=full), reads=cell)
