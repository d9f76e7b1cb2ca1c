"""Text that a spreadsheet would run as a formula, neutralized where Banchi writes spreadsheets and CSV.

OWASP's CSV-injection rule: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)``, ``=cmd|…``). In CSV
such text gets a leading ``'``, which the spreadsheet shows as text; numbers (``-12.5``) stay numbers. In
XLSX the cell is written as a string cell with the quote prefix set (Excel's own form of a typed ``'``), so
the text is kept exactly and reads back unchanged on import, yet never runs.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def starts_like_formula(value: Any) -> bool:
    """Text a spreadsheet would take for a formula (a signed number such as ``-3`` is not)."""
    return isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _NUMBER.match(value)


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text behind a ``'``, anything else as it is."""
    return "'" + value if starts_like_formula(value) else value


def keep_as_text(cell: Any) -> Any:
    """An openpyxl cell whose value came from people: a string cell with the quote prefix when its text
    looks like a formula (openpyxl makes any text starting with ``=`` a formula cell). Returns the cell."""
    if starts_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
