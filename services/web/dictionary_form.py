"""The dictionary editor's grid: one row per field, one column per property of the Excel template
(``dictionaries.excel.COLUMNS``), read by the same code that reads the template, so a bad cell is named by
its row and column in Thai and English exactly as an Excel import names it.

Each row remembers the field it was drawn from (``origin_N``, an index into the Table Schema the page
started from, posted back as ``base``): the properties the grid has no column for (``missingValues``,
``trueValues``, a field's ``exclusiveMinimum`` …) are carried over unchanged. Rows are reordered by their
``order_N`` number (the page's script keeps it in step with the rows it moves), removed with ``remove_N``,
and a row left blank is not a field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from dictionaries.excel import COLUMNS, YES, dictionary_from_rows, field_cells
from dictionaries.model import FIELDS_MATCH, Dictionary

COLUMN_KEYS = tuple(column.key for column in COLUMNS)
# what the grid's columns stand for in a field's JSON (the rest of a field is carried over from its origin)
_SHOWN_PROPERTIES = {*COLUMN_KEYS, "constraints"} - {"required", "unique", "primaryKey", "minLength", "maxLength",
                                                     "minimum", "maximum", "pattern", "enum"}
_SHOWN_CONSTRAINTS = {"required", "unique", "minLength", "maxLength", "minimum", "maximum", "pattern", "enum"}
BLANK_ROWS = 2  # empty rows at the end of the grid: fields are added without the page's script too


@dataclass
class GridRow:
    cells: dict[str, str]
    origin: int | None = None  # index of the field in ``base`` this row was drawn from

    @property
    def blank(self) -> bool:
        return not any(self.cells.values())


@dataclass
class Grid:
    """What the editor shows and posts: the rows, the dictionary's own settings, the schema it began from."""

    rows: list[GridRow]
    base: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    missing_values: str = ""
    fields_match: str = ""

    @classmethod
    def from_schema(cls, schema: dict[str, Any]) -> Grid:
        dictionary = Dictionary.from_table_schema(schema)
        rows = [GridRow(cells, number) for number, cells in enumerate(field_cells(dictionary))]
        return cls(rows, schema, dictionary.title or "", " | ".join(dictionary.missing_values),
                   dictionary.fields_match or "")

    @property
    def base_json(self) -> str:
        return json.dumps(self.base, ensure_ascii=False)

    def shown_rows(self) -> list[GridRow]:
        """The rows, then blank ones to add fields with."""
        return [*self.rows, *(GridRow(dict.fromkeys(COLUMN_KEYS, "")) for _ in range(BLANK_ROWS))]

    def to_schema(self) -> dict[str, Any]:
        """The Table Schema the grid stands for; :class:`ProblemsError` names each bad row (as numbered on the
        page) and column."""
        settings: dict[str, Any] = {}
        if self.title:
            settings["title"] = self.title
        if self.missing_values.strip():
            settings["missingValues"] = [part.strip() for part in self.missing_values.split("|")]
        elif self.missing_values:  # one or more spaces: only the empty cell is missing
            settings["missingValues"] = [""]
        if self.fields_match:
            settings["fieldsMatch"] = self.fields_match
        numbered = [(number, dict(row.cells)) for number, row in enumerate(self.rows, start=1)]
        dictionary = dictionary_from_rows(numbered, **settings)
        schema = dictionary.to_table_schema()
        originals = self.base.get("fields") or []
        origin_of = {row.cells.get("name", "").strip(): row.origin for row in self.rows}
        schema["fields"] = [_carry_over(made, _original(originals, origin_of.get(made["name"])))
                            for made in schema["fields"]]
        kept = {key: value for key, value in self.base.items()
                if key not in ("fields", "primaryKey", "title", "missingValues", "fieldsMatch")}
        return {**kept, **schema}


def _original(originals: list[Any], origin: int | None) -> dict[str, Any]:
    if origin is None or not 0 <= origin < len(originals) or not isinstance(originals[origin], dict):
        return {}
    return originals[origin]


def _carry_over(made: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """The field as the grid made it, plus what the grid does not show from the field it was drawn from."""
    merged = {**{k: v for k, v in original.items() if k not in _SHOWN_PROPERTIES}, **made}
    hidden = {k: v for k, v in (original.get("constraints") or {}).items() if k not in _SHOWN_CONSTRAINTS}
    if hidden:
        merged["constraints"] = {**hidden, **(made.get("constraints") or {})}
    return merged


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _whole(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def grid_from_form(form: FormData) -> Grid:
    try:
        base = json.loads(_text(form, "base") or "{}")
    except ValueError:
        base = {}
    if not isinstance(base, dict):
        base = {}
    count = min(_whole(_text(form, "count")) or 0, 5000)  # rows posted; bounded whatever the form says
    placed: list[tuple[float, int, GridRow]] = []
    for i in range(count):
        if form.get(f"remove_{i}"):
            continue
        cells = {}
        for column in COLUMNS:
            value = _text(form, f"{column.key}_{i}")
            cells[column.key] = (YES if value else "") if column.kind == "flag" else value
        origin = _whole(_text(form, f"origin_{i}"))
        row = GridRow(cells, origin)
        chosen_only = {k: v for k, v in cells.items() if k not in ("type", "format", "classification")}
        if origin is None and not any(chosen_only.values()):
            continue  # a blank row: its drop-downs hold their defaults, it is not a field
        order = _whole(_text(form, f"order_{i}"))
        placed.append((order if order is not None else i + 1, i, row))
    rows = [row for _, _, row in sorted(placed, key=lambda item: (item[0], item[1]))]
    fields_match = _text(form, "fieldsMatch")
    missing = form.get("missingValues")
    return Grid(rows, base, _text(form, "dict_title"), missing if isinstance(missing, str) else "",
                fields_match if fields_match in FIELDS_MATCH else "")
