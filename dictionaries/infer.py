"""Infer a draft dictionary from a sample file: CSV (encoding and delimiter detected) or XLSX.

Each header is kept as the field's name (and title), as the file has it, and an ASCII identifier is
proposed for systems that need one. Types are guessed
with the same readers the validator uses, so a file validates against the draft inferred from it.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dictionaries.encoding import detect_encoding, read_head, sample_lines, sniff_dialect
from dictionaries.messages import problem
from dictionaries.model import Constraints, DictField, Dictionary
from dictionaries.names import label_key, propose_identifiers
from dictionaries.validate.cells import value_reader
from dictionaries.validate.rows import header_row
from dictionaries.validate.xlsxsource import open_sheet, sheet_rows
from schemas.messages import ProblemsError

SAMPLE_ROWS = 5000
PERSONAL = {"citizen_id", "name", "surname", "full_name", "phone", "email", "address", "birth_date", "prefix"}
# (type, format) candidates, narrowest first; the first that reads every sampled value wins
CANDIDATES: list[tuple[str, str]] = [
    ("boolean", "default"), ("integer", "default"), ("number", "default"), ("date", "default"),
    ("date", "%d/%m/%Y"), ("datetime", "default"), ("time", "default"), ("string", "email"), ("string", "default"),
]
_BOOLEAN_WORDS = {"true", "false", "True", "False", "TRUE", "FALSE"}


@dataclass
class Inferred:
    dictionary: Dictionary
    rows_sampled: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def _csv_sample(path: Path) -> tuple[list[list[Any]], str, str]:
    head = read_head(path, 4 << 20)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise ProblemsError([problem("empty_file")])
    encoding = detect_encoding(head, full=len(head) == path.stat().st_size)
    text = head.decode(encoding, errors="ignore")
    dialect = sniff_dialect(sample_lines(text))
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect.python())
    try:
        rows = list(itertools.islice(reader, SAMPLE_ROWS + 1))
    except csv.Error as exc:
        raise ProblemsError([problem("bad_csv", detail=str(exc))]) from exc
    if len(head) < path.stat().st_size and len(rows) > 2:
        rows = rows[:-1]  # the head may end inside the last row
    return rows, encoding, dialect.delimiter


def _xlsx_sample(path: Path, sheet: str | None) -> tuple[list[list[Any]], str]:
    book, worksheet = open_sheet(path, sheet)
    try:
        return list(itertools.islice(sheet_rows(worksheet), SAMPLE_ROWS + 1)), worksheet.title
    finally:
        book.close()


def _guess_type(values: list[Any], missing: set[str]) -> tuple[str, str]:
    present = [v for v in values if v is not None and str(v) not in missing]
    if not present:
        return "string", "default"
    if all(isinstance(v, bool) for v in present):
        return "boolean", "default"
    if all(isinstance(v, datetime) for v in present):
        return ("date", "default") if all(v.time() == datetime.min.time() for v in present) else ("datetime", "default")
    for kind, fmt in CANDIDATES:
        if kind == "boolean" and not {str(v) for v in present} & _BOOLEAN_WORDS:
            continue  # 0/1 columns are counts more often than flags
        read: Callable[[Any], Any] = value_reader(DictField(name="x", type=kind, format=fmt))
        if all(read(v) is not None for v in present):
            return kind, fmt
    return "string", "default"


def infer(path: str | Path, *, sheet: str | None = None) -> Inferred:
    """A draft dictionary for the file; raise :class:`ProblemsError` for unreadable input."""
    path = Path(path)
    if not path.is_file():
        raise ProblemsError([problem("file_not_found", value=str(path))])
    encoding = delimiter = sheet_name = None
    if path.suffix.lower() == ".xlsx":
        rows, sheet_name = _xlsx_sample(path, sheet)
    else:
        rows, encoding, delimiter = _csv_sample(path)
    numbers = [n for n, r in enumerate(rows, start=1) if any(c not in (None, "") for c in r)]
    rows = [rows[n - 1] for n in numbers]
    if not rows:
        raise ProblemsError([problem("empty_file")])
    if numbers[0] > 1:  # the first line is blank (or only delimiters): the header row is empty
        raise ProblemsError([problem("blank_header", row=numbers[0])])
    start = header_row([len(r) for r in rows[:100]]) - 1
    filled = [max((i + 1 for i, c in enumerate(r) if c not in (None, "")), default=0) for r in rows[:100]]
    below = filled[start + 1 :]
    typical = max(set(below), key=below.count) if below else 0
    if 0 < filled[start] < typical:  # a title line read as the header: the real one is the first typical row
        start = filled.index(typical, start + 1)
    if start > 0 or numbers[0] > 1:
        # validation (like frictionless) reads the first line as the header: a dictionary built from a
        # header further down would never match the file, so the lines above must go first
        raise ProblemsError([problem("title_above_header", row=numbers[start])])
    headers = ["" if c is None else str(c).strip() for c in rows[start]]
    _check_headers(headers)
    data = rows[start + 1 :]
    identifiers = propose_identifiers(headers)
    fields = []
    for index, (header, identifier) in enumerate(zip(headers, identifiers, strict=True)):
        values = [row[index] if index < len(row) else None for row in data]
        kind, fmt = _guess_type(values, {""})
        if kind == "integer" and identifier.endswith("year") and all(len(str(v)) == 4 for v in values if v):
            kind = "year"
        present = [v for v in values if v not in (None, "")]
        required = bool(data) and len(present) == len(values)
        fields.append(
            DictField(
                name=header, identifier=identifier, type=kind, format=fmt, title=header,
                constraints=Constraints(required=required or None),
                example=_example(kind, present),
                personalData=identifier in PERSONAL,
            )
        )
    dictionary = Dictionary(fields=fields)
    first = fields[0] if fields else None
    if first and first.required and first.type in ("integer", "string"):
        column = [row[0] for row in data]
        if len(set(map(str, column))) == len(column):
            first.constraints.unique = True
            dictionary.primary_key = [first.name]
    return Inferred(dictionary, len(data), encoding, delimiter, sheet_name)


def _check_headers(headers: list[str]) -> None:
    """Every column needs a header of its own: the header becomes the field's name."""
    problems = [problem("blank_label", number=n) for n, h in enumerate(headers, start=1) if not label_key(h)]
    columns: dict[str, list[int]] = {}
    for number, header in enumerate(headers, start=1):
        if label_key(header):
            columns.setdefault(label_key(header), []).append(number)
    for numbers in columns.values():
        if len(numbers) > 1:
            value = headers[numbers[0] - 1]
            problems.append(problem("duplicate_label", value=value, columns=", ".join(map(str, numbers))))
    if problems:
        raise ProblemsError(problems)


def _example(kind: str, present: list[Any]) -> str | None:
    """The first value, written as the type reads it back (frictionless checks examples)."""
    if not present:
        return None
    value = present[0]
    if isinstance(value, datetime):
        return value.date().isoformat() if kind == "date" else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and kind in ("integer", "year") and value.is_integer():
        return str(int(value))
    return str(value)
