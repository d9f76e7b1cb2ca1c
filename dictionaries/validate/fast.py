"""Vectorised column checks: for each column of a batch, which cells are certainly fine.

Each plan answers conservatively. A cell it calls ``ok`` is valid under frictionless's rules (its
fast tests are strict subsets of them: plain ASCII digits for integers, an anchored RE2 match on
printable ASCII for patterns, …); any other non-missing cell sends its row to the exact checks in
:mod:`dictionaries.validate.cells`. So speed never changes a finding, only where it is computed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dictionaries.model import DictField
from dictionaries.validate.arrays import bools, positions
from dictionaries.validate.cells import FALSE_VALUES, TRUE_VALUES, CellReader
from dictionaries.validate.keys import INT_KEY_TYPES

_INTEGER = r"^-?[0-9]{1,18}$"
_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"
_DATE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
_HOUR = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
_DATETIME = rf"^[1-9][0-9]{{3}}-[0-9]{{2}}-[0-9]{{2}}T{_HOUR}$"
_TIME = rf"^{_HOUR}$"
# Strict subsets of what validators.email / validators.uuid / rfc3986 accept.
_EMAIL = (  # with at most 60 bytes in all (checked apart: bounded repeats make RE2 slow)
    r"^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)?@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_URI = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?){0,5}(/[A-Za-z0-9._~/-]{0,200})?$"
_FORMATS = {"email": _EMAIL, "uuid": _UUID, "uri": _URI}
_INT64_LIMIT = 2**62
_PIECE = 2048
# a batch's column is checked per distinct value when they are at most this share of its cells
DISTINCT_SHARE = 0.25
DISTINCT_FROM = 256
_BOUNDS = {
    "minimum": pc.greater_equal, "maximum": pc.less_equal, "exclusiveMinimum": pc.greater, "exclusiveMaximum": pc.less,
}


def _np(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False)


def _regex_where(column: pa.Array, candidates: np.ndarray, pattern: str) -> np.ndarray:
    """``pattern`` matched only on the candidate cells (regexes cost more than the cheap kernels)."""
    result = np.zeros(len(column), dtype=bool)
    index = np.flatnonzero(candidates)
    if len(index) == len(column):
        return _np(pc.match_substring_regex(column, pattern))
    if len(index):
        result[index] = _np(pc.match_substring_regex(column.take(positions(index)), pattern))
    return result


@dataclass
class ColumnCheck:
    missing: np.ndarray
    ok: np.ndarray
    key: pa.Array | None
    column: pa.Array  # the cells as text


def _strict_cast(column: pa.Array, candidates: np.ndarray, filler: str, to: pa.DataType) -> pa.Array | None:
    """Arrow's strict ISO cast of the candidates, or ``None`` when one of them does not parse."""
    try:
        return pc.cast(_where(candidates, column, filler), to)
    except pa.ArrowInvalid:
        return None


def _where(chosen: np.ndarray, column: pa.Array, filler: str) -> pa.Array:
    """The column with ``filler`` in the cells not chosen (the column itself when all are)."""
    return column if chosen.all() else pc.if_else(bools(chosen), column, pa.scalar(filler))


Slow = Callable[[pa.Array, np.ndarray], np.ndarray]


def _settled(column: pa.Array, candidates: np.ndarray, filler: str, to: pa.DataType, slow: Slow) -> np.ndarray:
    """Candidates a strict cast accepts, by pieces: only the pieces it refuses take the ``slow`` way."""
    if _strict_cast(column, candidates, filler, to) is not None:
        return candidates.copy()
    ok = np.zeros(len(column), dtype=bool)
    for start in range(0, len(column), _PIECE):
        part, chosen = column.slice(start, _PIECE), candidates[start : start + _PIECE]
        strict = _strict_cast(part, chosen, filler, to) is not None
        ok[start : start + _PIECE] = chosen if strict else slow(part, chosen)
    return ok


def _real_dates(column: pa.Array, candidates: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Which ``YYYY-MM-DD`` candidates are real dates (strptime rolls 30 February over: compare days)."""
    chosen = _where(candidates, column, "2000-01-01")
    parsed = pc.strptime(chosen, format="%Y-%m-%d", unit="s", error_is_null=True)
    day = pc.cast(pc.utf8_slice_codeunits(chosen, 8, 10), pa.int64())
    same = _np(pc.fill_null(pc.equal(pc.day(parsed), day), False))
    return candidates & same, pc.cast(pc.fill_null(parsed, 0), pa.date32())


class ColumnPlan:
    """The fast checks of one field, prepared once per file."""

    def __init__(self, field: DictField, reader: CellReader, wants_key: bool):
        self.field = field
        self.reader = reader
        self.wants_key = wants_key
        self.missing_values = sorted(reader.missing)
        self.required = field.required
        self.constraints = field.constraints.defined()
        self.constraints.pop("unique", None)
        self.constraints.pop("required", None)
        self._kind_check: Callable[[pa.Array, np.ndarray], tuple[np.ndarray, pa.Array | None]] = self._plan()
        self.few_distinct: bool | None = None  # learnt from the first batch

    # -- planning -----------------------------------------------------------------------------
    def _plan(self) -> Callable[[pa.Array, np.ndarray], tuple[np.ndarray, pa.Array | None]]:
        kind, fmt, constraints = self.field.type, self.field.format, self.constraints
        plain_number = all(
            v is None
            for v in (self.field.bare_number, self.field.group_char, self.field.decimal_char, self.field.float_number)
        )
        if kind == "any" and not constraints:
            return self._any
        if kind == "string" and fmt in ("default", *_FORMATS) and self._string_constraints_fast():
            return self._string
        if kind == "integer" and plain_number and self._bounds_fast(int):
            return self._integer
        if kind == "year" and self._bounds_fast(int):
            return self._year
        if kind == "number" and plain_number and self._bounds_fast(float) and "enum" not in constraints:
            return self._number
        if kind == "boolean" and "enum" not in constraints:
            return self._boolean
        if kind == "date" and fmt == "default" and self._bounds_fast(date) and "enum" not in constraints:
            return self._date
        if kind in ("datetime", "time") and fmt == "default" and not constraints and not self.wants_key:
            return self._datetime if kind == "datetime" else self._time
        return self._exact_only

    def _string_constraints_fast(self) -> bool:
        pattern = self.constraints.get("pattern")
        if pattern is None:
            return True
        try:
            pc.match_substring_regex(pa.array(["x"]), f"^(?:^{pattern}$)")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return False  # not RE2 syntax (lookarounds, backreferences): exact checks only
        return True

    def _bounds_fast(self, kind: type) -> bool:
        for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if name not in self.constraints:
                continue
            bound = self.reader.read_value(self.constraints[name])
            if kind is int and not (isinstance(bound, int) and abs(bound) < _INT64_LIMIT):
                return False
            if kind is float and not _float_exact(bound):
                return False
        enum = self.constraints.get("enum")
        if enum is not None and kind is int:
            values = [self.reader.read_value(v) for v in enum]
            return all(v is None or (isinstance(v, int) and abs(v) < _INT64_LIMIT) for v in values)
        return True

    # -- per batch ----------------------------------------------------------------------------
    def check(self, column: pa.Array) -> ColumnCheck:
        """Check a batch's column (bytes as Arrow parsed them, or text).

        A column with few distinct values (a province, a year, a flag) is checked once per distinct
        value: the answers depend on the cell's text alone, so they are spread back to the rows."""
        if self.few_distinct is not False and len(column) >= DISTINCT_FROM:
            encoded = pc.dictionary_encode(column)
            if len(encoded.dictionary) <= len(column) * DISTINCT_SHARE:
                self.few_distinct = True
                return self._spread(self._check(encoded.dictionary), encoded.indices)
            self.few_distinct = False  # many distinct values: not worth encoding from now on
        return self._check(column)

    @staticmethod
    def _spread(distinct: ColumnCheck, indices: pa.Array) -> ColumnCheck:
        at = _np(indices)
        key = distinct.key.take(indices) if distinct.key is not None else None
        column = pa.DictionaryArray.from_arrays(indices, distinct.column)
        return ColumnCheck(distinct.missing[at], distinct.ok[at], key, column)

    def _check(self, column: pa.Array) -> ColumnCheck:
        if pa.types.is_binary(column.type):
            column = column.cast(pa.string())  # checks the UTF-8 (ArrowInvalid "Invalid UTF8 payload")
        if self.missing_values == [""]:
            missing = _np(pc.equal(pc.binary_length(column), 0))
        else:
            missing = _np(pc.is_in(column, value_set=pa.array(self.missing_values, pa.string())))
        present = ~missing
        ok, key = self._kind_check(column, present)
        ok = ok & present
        if not self.required:
            ok |= missing
        if key is not None and missing.any():
            key = pc.if_else(bools(missing), pa.nulls(len(key), key.type), key)
        return ColumnCheck(missing, ok, key, column)

    def _bounds(self, values: pa.Array, ok: np.ndarray, convert: Callable[[float], float]) -> np.ndarray:
        for name, compare in _BOUNDS.items():
            if name in self.constraints:
                bound = convert(self.reader.read_value(self.constraints[name]))
                ok &= _np(pc.fill_null(compare(values, pa.scalar(bound, values.type)), False))
        return ok

    def _any(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        return np.ones(len(column), dtype=bool), column if self.wants_key else None

    def _exact_only(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        return np.zeros(len(column), dtype=bool), pa.nulls(len(column), pa.string()) if self.wants_key else None

    def _string(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        ok = present.copy()
        fmt_pattern = _FORMATS.get(self.field.format)
        if fmt_pattern:
            if self.field.format == "email":
                ok &= _np(pc.binary_length(column)) <= 60
            ok = _regex_where(column, ok, fmt_pattern)
        if "minLength" in self.constraints or "maxLength" in self.constraints:
            length = pc.utf8_length(column)
            if "minLength" in self.constraints:
                ok &= _np(pc.greater_equal(length, self.constraints["minLength"]))
            if "maxLength" in self.constraints:
                ok &= _np(pc.less_equal(length, self.constraints["maxLength"]))
        if "pattern" in self.constraints:
            # RE2 and Python's re agree on printable ASCII; other text goes to the exact check
            plain = ok & _np(pc.ascii_is_printable(column))
            ok = _regex_where(column, plain, f"^(?:^{self.constraints['pattern']}$)")
        if "enum" in self.constraints:
            allowed = pa.array([v for v in self.constraints["enum"] if isinstance(v, str)], pa.string())
            ok &= _np(pc.is_in(column, value_set=allowed))
        return ok, column if self.wants_key else None

    def _integer(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        lengths = _np(pc.binary_length(column))
        ok = present & (lengths <= 18) & _np(pc.ascii_is_decimal(column))
        rest = present & ~ok
        if rest.any():
            ok |= _regex_where(column, rest, _INTEGER)
        return self._whole_numbers(column, ok)

    def _year(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        lengths = _np(pc.binary_length(column))
        return self._whole_numbers(column, present & (lengths == 4) & _np(pc.ascii_is_decimal(column)))

    def _whole_numbers(self, column: pa.Array, ok: np.ndarray) -> tuple[np.ndarray, pa.Array]:
        """Bounds and enum of integer-like cells, compared as int64."""
        values = pc.cast(_where(ok, column, "0"), pa.int64())
        ok = self._bounds(values, ok, int)
        if "enum" in self.constraints:
            allowed = [self.reader.read_value(v) for v in self.constraints["enum"]]
            ok &= _np(pc.is_in(values, value_set=pa.array([v for v in allowed if v is not None], pa.int64())))
        return ok, values

    def _number(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        # at most 15 digits, so float64 keeps order and equality; "12.5" without a regex, "-12.5" with one
        ok = present & (_np(pc.binary_length(column)) <= 16)
        plain = ok & _np(pc.ascii_is_decimal(pc.replace_substring(column, ".", "", max_replacements=1)))
        rest = ok & ~plain
        ok = plain | (_regex_where(column, rest, _NUMBER) if rest.any() else rest)
        if any(name in self.constraints for name in _BOUNDS):
            values = pc.cast(_where(ok, column, "0"), pa.float64())
            ok = self._bounds(values, ok, float)
        if self.wants_key:
            return np.zeros(len(column), dtype=bool), pa.nulls(len(column), pa.string())
        return ok, None

    def _boolean(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        true_values = self.field.true_values or TRUE_VALUES
        false_values = self.field.false_values or FALSE_VALUES
        ok = _np(pc.is_in(column, value_set=pa.array(true_values + false_values, pa.string())))
        key = pc.cast(pc.is_in(column, value_set=pa.array(true_values, pa.string())), pa.int64())
        return ok, key if self.wants_key else None

    def _date(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        candidates = present & (_np(pc.binary_length(column)) == 10) & ~_np(pc.starts_with(column, "0000"))
        if any(name in self.constraints for name in _BOUNDS):
            ok, values = _real_dates(column, _regex_where(column, present, _DATE))
            ok = self._bounds(values, ok, lambda d: d)
        else:
            ok = _settled(column, candidates, "2000-01-01", pa.date32(), _dates_slowly)
        return ok, column if self.wants_key else None

    def _datetime(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        # Arrow's ISO parser, held to the lengths and ``:`` frictionless insists on, accepts only
        # what isoparse accepts; pieces it refuses take the regex and strptime way
        lengths = _np(pc.binary_length(column))
        candidates = present & ((lengths == 19) | (lengths == 20) | (lengths == 25))
        candidates &= _np(pc.equal(pc.utf8_slice_codeunits(column, 16, 17), ":"))
        return _settled(column, candidates, "2000-01-01T00:00:00Z", pa.timestamp("s", "UTC"), _datetimes_slowly), None

    def _time(self, column: pa.Array, present: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
        return _regex_where(column, present, _TIME), None


def _dates_slowly(column: pa.Array, candidates: np.ndarray) -> np.ndarray:
    return _real_dates(column, _regex_where(column, candidates, _DATE))[0]


def _datetimes_slowly(column: pa.Array, candidates: np.ndarray) -> np.ndarray:
    ok = _regex_where(column, candidates, _DATETIME)
    return _real_dates(pc.utf8_slice_codeunits(column, 0, 10), ok)[0]


def _float_exact(bound: object) -> bool:
    """Whether comparing as float64 keeps the order exactly (at most 15 significant digits)."""
    if isinstance(bound, bool) or not isinstance(bound, int | Decimal):
        return False
    number = Decimal(bound)
    return number.is_finite() and len(number.normalize().as_tuple().digits) <= 15


def pattern_is_python_only(pattern: str) -> bool:
    """Whether a pattern needs Python's ``re`` (it does not compile in RE2)."""
    try:
        re.compile(pattern)
    except re.error:
        return False
    try:
        pc.match_substring_regex(pa.array(["x"]), f"^(?:^{pattern}$)")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return True
    return False


INT_KEYS = INT_KEY_TYPES
