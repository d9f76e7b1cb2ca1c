"""Read XLSX sheets safely: refuse zip bombs before openpyxl inflates anything, then stream rows."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dictionaries.messages import problem
from schemas.messages import ProblemsError

MAX_INFLATED = 1 << 30  # 1 GiB of XML is far beyond any sheet a steward uploads
MAX_RATIO = 200  # real XLSX compress 5-20x; bombs compress thousands of times


def check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ProblemsError([problem("bad_xlsx", detail=str(exc))]) from exc
    inflated = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if inflated > MAX_INFLATED or (inflated > 50 << 20 and inflated / packed > MAX_RATIO):
        raise ProblemsError([problem("xlsx_too_large", limit=MAX_INFLATED >> 20)])


def open_sheet(path: Path, sheet: str | None = None) -> tuple[Any, Any]:
    """(workbook, worksheet): the named sheet or the first one; read-only, cached values."""
    from openpyxl import load_workbook

    check_zip(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ProblemsError([problem("bad_xlsx", detail=str(exc) or type(exc).__name__)]) from exc
    if sheet is None:
        return book, book.worksheets[0]
    if sheet not in book.sheetnames:
        names = list(book.sheetnames)
        book.close()
        raise ProblemsError([problem("unknown_sheet", value=sheet, allowed=", ".join(names))])
    return book, book[sheet]


def sheet_rows(worksheet: Any) -> Iterator[list[Any]]:
    for row in worksheet.iter_rows(values_only=True):
        yield list(row)
