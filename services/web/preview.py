"""The first rows of an uploaded table, read with the validation engine's own CSV and XLSX readers."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from pathlib import Path

from dictionaries.validate.csvsource import open_source, python_rows
from dictionaries.validate.xlsxsource import open_sheet, sheet_rows
from schemas.messages import ProblemsError

PREVIEW_ROWS = 10
TABULAR = {"CSV": "csv", "TSV": "csv", "TXT": "csv", "XLSX": "xlsx"}


@dataclass
class Preview:
    header: list[str]
    rows: list[list[str]]


def table_kind(resource: dict) -> str | None:
    if resource.get("kind") != "file" or not resource.get("sha256"):
        return None
    name = (resource.get("filename") or "").rsplit(".", 1)[-1].upper()
    return TABULAR.get(str(resource.get("format") or "").upper()) or TABULAR.get(name)


def preview_file(path: Path, kind: str, rows: int = PREVIEW_ROWS) -> Preview | None:
    """None when the file cannot be read as a table (its validation report says why)."""
    try:
        if kind == "xlsx":
            workbook, sheet = open_sheet(path)
            try:
                cells = [["" if c is None else str(c) for c in row] for row in itertools.islice(sheet_rows(sheet),
                                                                                                 rows + 1)]
            finally:
                workbook.close()
            return Preview(cells[0], cells[1:]) if cells else None
        source = open_source(path)
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=source.encoding, errors="replace", newline="")
            body = [cells for _, cells in itertools.islice(python_rows(source, text), rows)]
        return Preview(source.labels, body)
    except (ProblemsError, OSError, ValueError, UnicodeError):
        return None
