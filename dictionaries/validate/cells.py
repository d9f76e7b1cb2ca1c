"""Exact cell reading: the reference semantics, cell by cell, as frictionless 5.x reads them.

Every value the fast engine cannot vouch for comes here, so the findings match frictionless:
the same type parsing (``int(cell.strip())``, ``Decimal``, ``strptime``, dateutil's ``isoparse``…),
missing values compared with ``str(cell)``, and constraints checked in the type's order, only
when the cell parsed.
"""

from __future__ import annotations

import base64
import operator
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

from dateutil import parser as dateutil_parser

from dictionaries.model import TYPE_CONSTRAINTS, DictField

TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
_NOT_BARE = re.compile(r"((^[^-\d]*)|(\D*$))")

Reader = Callable[[Any], Any]


class YearMonth(NamedTuple):
    year: int
    month: int


def _integer(field: DictField) -> Reader:
    strip = None if field.bare_number in (None, True) else _NOT_BARE

    def read(cell: Any) -> Any:
        if isinstance(cell, str):
            cell = cell.strip()
            if strip:
                cell = strip.sub("", cell)
            try:
                return int(cell)
            except Exception:
                return None
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, Decimal) and cell % 1 == 0:
            return int(cell)
        return None

    return read


def _number(field: DictField) -> Reader:
    strip = None if field.bare_number in (None, True) else _NOT_BARE
    group, decimal = field.group_char or "", field.decimal_char or "."
    # frictionless pre-processes only when one of these properties is written in the schema
    process = any(v is not None for v in (field.group_char, field.decimal_char, field.bare_number))
    primary, secondary = (float, Decimal) if field.float_number else (Decimal, float)

    def read(cell: Any) -> Any:
        if isinstance(cell, str):
            cell = cell.strip()
            if process:
                if strip:
                    cell = strip.sub("", cell)
                cell = cell.replace(group, "")
                if decimal != "." and "." in cell:
                    return None
                cell = cell.replace(decimal, ".")
            try:
                return primary(cell)
            except Exception:
                return None
        if isinstance(cell, primary):
            return cell
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, secondary):
            return primary(str(cell)) if primary is Decimal else primary(cell)
        return None

    return read


def _boolean(field: DictField) -> Reader:
    mapping = {v: True for v in field.true_values or TRUE_VALUES}
    mapping.update({v: False for v in field.false_values or FALSE_VALUES})

    def read(cell: Any) -> Any:
        if cell is True or cell is False:
            return cell
        if isinstance(cell, str):
            return mapping.get(cell)
        return None

    return read


def _date(field: DictField) -> Reader:
    fmt = field.format

    def read(cell: Any) -> Any:
        if isinstance(cell, datetime):
            if cell.time() == time(0, 0):
                return cell.date()
            return None
        if isinstance(cell, date):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            if fmt == "default":
                return datetime.strptime(cell, "%Y-%m-%d").date()
            if fmt == "any":
                return dateutil_parser.parse(cell).date()
            return datetime.strptime(cell, fmt).date()
        except Exception:
            return None

    return read


def _temporal(field: DictField, kind: type, default: Callable[[str], Any], finish: Callable[[Any], Any]) -> Reader:
    """datetime and time: ISO by default (with frictionless's length guards), dateutil for ``any``."""
    fmt = field.format

    def read(cell: Any) -> Any:
        if isinstance(cell, kind):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            if fmt == "default":
                return default(cell)
            if fmt == "any":
                return finish(dateutil_parser.parse(cell))
            return finish(datetime.strptime(cell, fmt))
        except Exception:
            return None

    return read


def _iso_datetime(cell: str) -> Any:
    # frictionless guards against the shorter forms isoparse accepts
    return dateutil_parser.isoparse(cell) if cell[16] == ":" and len(cell) >= 19 else None


def _iso_time(cell: str) -> Any:
    return dateutil_parser.isoparse(f"2000-01-01T{cell}").timetz() if cell[5] == ":" and len(cell) >= 8 else None


def _datetime(field: DictField) -> Reader:
    return _temporal(field, datetime, _iso_datetime, lambda value: value)


def _time(field: DictField) -> Reader:
    return _temporal(field, time, _iso_time, lambda value: value.timetz())


def _year(field: DictField) -> Reader:
    def read(cell: Any) -> Any:
        if not isinstance(cell, int):
            if not isinstance(cell, str) or len(cell) != 4:
                return None
            try:
                cell = int(cell)
            except Exception:
                return None
        if cell < 0 or cell > 9999:
            return None
        return cell

    return read


def _yearmonth(field: DictField) -> Reader:
    def read(cell: Any) -> Any:
        if isinstance(cell, tuple | list):
            return YearMonth(cell[0], cell[1]) if len(cell) == 2 else None
        if not isinstance(cell, str):
            return None
        try:
            year, month = cell.split("-")
            value = YearMonth(int(year), int(month))
        except Exception:
            return None
        return value if 1 <= value.month <= 12 else None

    return read


def _uri(cell: str) -> bool:
    import rfc3986  # here, not at start-up: few files have URI fields

    validator = rfc3986.validators.Validator().require_presence_of("scheme")
    try:
        validator.validate(rfc3986.uri_reference(cell))
    except rfc3986.exceptions.ValidationError:
        return False
    return True


def _binary(cell: str) -> bool:
    try:
        base64.b64decode(cell)
    except Exception:
        return False
    return True


def _email(cell: str) -> Any:
    import validators  # imported when a cell needs the exact check (most are cleared in bulk)

    return validators.email(cell)


def _uuid(cell: str) -> Any:
    import validators

    return validators.uuid(cell)


_STRING_CHECKS: dict[str, Callable[[str], Any]] = {
    "email": _email,
    "uuid": _uuid,
    "uri": _uri,
    "binary": _binary,
}


def _string(field: DictField) -> Reader:
    check = _STRING_CHECKS.get(field.format)

    def read(cell: Any) -> Any:
        if not isinstance(cell, str):
            return None
        if check is not None and not check(cell):
            return None
        return cell

    return read


def _any(field: DictField) -> Reader:
    return lambda cell: cell


_READERS: dict[str, Callable[[DictField], Reader]] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "year": _year,
    "yearmonth": _yearmonth,
    "any": _any,
}


def value_reader(field: DictField) -> Reader:
    """Parse one cell to a value of the field's type, or ``None`` when it is not of that type."""
    return _READERS[field.type](field)


def _bound(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(limit: Any, cell: Any) -> bool:
        if cell is None:
            return True
        if cell != cell:  # NaN fails every bound
            return False
        try:
            return bool(compare(cell, limit))
        except TypeError:  # e.g. naive against aware datetimes: frictionless raises; we report it
            return False

    return check


_CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "required": lambda limit, cell: not (limit and cell is None),
    "minLength": lambda limit, cell: cell is None or len(cell) >= limit,
    "maxLength": lambda limit, cell: cell is None or len(cell) <= limit,
    "minimum": _bound(operator.ge),
    "maximum": _bound(operator.le),
    "exclusiveMinimum": _bound(operator.gt),
    "exclusiveMaximum": _bound(operator.lt),
    "pattern": lambda limit, cell: cell is None or bool(limit.match(cell)),
    "enum": lambda limit, cell: cell is None or cell in limit,
}


class CellReader:
    """Reads a cell like frictionless: missing value → None; else parse; else constraint notes."""

    def __init__(self, field: DictField, missing_values: list[str]):
        self.field = field
        self.missing = set(field.missing_values if field.missing_values is not None else missing_values)
        self.read_value = value_reader(field)
        self.checks: list[tuple[str, Callable[[Any], bool]]] = []
        constraints = field.constraints.defined()
        for name in TYPE_CONSTRAINTS[field.type]:
            limit = constraints.get(name)
            if limit is None:
                continue
            if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                limit = self.read_value(limit)
            elif name == "pattern":
                limit = re.compile(f"^{limit}$")
            elif name == "enum":
                limit = [self.read_value(item) for item in limit]
            self.checks.append((name, partial(_CHECKS[name], limit)))

    def __call__(self, cell: Any) -> tuple[Any, str | list[str] | None]:
        """``(value, None)`` when fine, ``(None, "type")`` on a type error, else the failed constraints."""
        if str(cell) in self.missing:
            cell = None
        if cell is not None:
            cell = self.read_value(cell)
            if cell is None:
                return None, "type"
        failed = [name for name, check in self.checks if not check(cell)]
        return cell, failed or None
